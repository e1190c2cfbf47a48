// The memory baseline: the same worker harness with no MQTT library loaded and no
// connection, reporting RSS and heap after the same settling time as the "idle" role.
import { emit, memory } from './io';

setTimeout(() => { emit({ ev: 'done', ...memory() }); process.exit(0); }, 500);
