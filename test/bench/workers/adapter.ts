// What a bench worker needs from an MQTT client library; one small adapter per library.
export type QoS = 0 | 1 | 2;

export interface BenchClient {
  publish(topic: string, payload: Buffer, qos: QoS, done: (err?: Error) => void): void;
  subscribe(topic: string, qos: QoS, done: (err?: Error) => void): void;
  onMessage(handler: (topic: string, payload: Uint8Array) => void): void;
  end(done: () => void): void;
}

/** Connect to `url` (mqtt://user:pass@host:port); call back once at CONNACK. */
export type Connect = (url: string, clientId: string, onConnected: (client: BenchClient) => void, onError: (err: Error) => void, job?: Job) => void;

/** The workload a worker is given (env BENCH_JOB, JSON). */
export interface Job {
  role: 'pub' | 'sub' | 'echo' | 'ping' | 'idle' | 'connect' | 'soak';
  url: string;
  clientId: string;
  topic: string;
  /** Second topic: where echo republishes / ping listens. */
  topic2?: string;
  qos: QoS;
  size: number;
  count: number;
  /** Publishes outstanding at once (pub, soak). */
  window?: number;
  /** Untimed messages first: round trips (ping), or publishes numbered from `count` up (pub, sub). */
  warmup?: number;
  /** glowmq only: TCP_NODELAY and write coalescing of its Node transport (default on), for the nodelay section. */
  noDelay?: boolean;
  coalesce?: boolean;
  /** Message counts at which soak records the heap. */
  checkpoints?: number[];
}
