import { readFile } from 'node:fs/promises';

/** Memory of one process, from `/proc/<pid>/status`. */
export interface ProcessMemory {
  readonly pid: number;
  /** Resident set size now (`VmRSS`), bytes. */
  readonly rssBytes: number;
  /** Highest resident set size so far (`VmHWM`), bytes. */
  readonly peakRssBytes: number;
}

/** Reads a process's resident memory; null where `/proc` is not there (not Linux) or it has exited. */
export async function processMemory(pid: number): Promise<ProcessMemory | null> {
  let status: string;
  try {
    status = await readFile(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { pid, rssBytes: kb('VmRSS') * 1024, peakRssBytes: kb('VmHWM') * 1024 };
}

/** Linux's USER_HZ: the unit of the CPU times in `/proc/<pid>/stat` (100 on every mainstream kernel). */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system) a process has used so far, in ms; null where `/proc` is not there or it
 * has exited.
 */
export async function processCpuMs(pid: number): Promise<number | null> {
  let stat: string;
  try {
    stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name may hold spaces and parentheses: count fields from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime + stime) ? ((utime + stime) * 1000) / TICKS_PER_SECOND : null;
}
