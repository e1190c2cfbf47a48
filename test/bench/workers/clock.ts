// Wall time in ms (sub-ms resolution) comparable across processes, and CPU used.
import { performance } from 'node:perf_hooks';

export const wall = (): number => performance.timeOrigin + performance.now();

/** user+sys CPU ms since `from` (a process.cpuUsage() value). */
export function cpuMs(from: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1000;
}

/** CPU ms since `from`: user+sys as cpuMs, and the system (kernel) part alone as sysMs. */
export function cpuSplit(from: NodeJS.CpuUsage): { cpuMs: number; sysMs: number } {
  const used = process.cpuUsage(from);
  return { cpuMs: (used.user + used.system) / 1000, sysMs: used.system / 1000 };
}
