import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './bench-texts.js';

/** Folder of machine-readable results (git-ignored). */
export const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');

/** Writes one bench's results as `bench/results/<name>.json`; returns the path. */
export async function writeResults(name: string, results: unknown): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${name}.json`);
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}

/** The CPU's model name (from /proc/cpuinfo on Linux, else what Node reports). */
export function cpuModel(): string {
  try {
    const line = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (line) return line[1]!.trim();
  } catch {
    // Not Linux: fall back to what Node reports.
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

/** The machine a result was measured on; other work on it moves figures, and the load says how much. */
export function machineInfo() {
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: os.cpus().length,
    cpuModel: cpuModel(),
    loadAverage1m: os.loadavg()[0]!,
  };
}
