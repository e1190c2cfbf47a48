// Wall time in ms (sub-ms resolution) comparable across processes, and CPU used.
import { performance } from 'node:perf_hooks';

export const wall = (): number => performance.timeOrigin + performance.now();

/** user+sys CPU ms since `from` (a process.cpuUsage() value). */
export function cpuMs(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
}
