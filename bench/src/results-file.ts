import { mkdir, writeFile } from 'node:fs/promises';
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
