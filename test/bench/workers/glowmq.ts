// Bench worker entry for glowmq as a Node user gets it (createNodeClient's default codec).
import { glowmqConnect } from './glowmq-adapter';
import { workerMain } from './worker-main';

workerMain(glowmqConnect());
