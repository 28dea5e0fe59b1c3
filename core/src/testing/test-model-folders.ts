import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A temporary folder and a way to remove it. */
export interface TempDir {
  readonly path: string;
  remove(): Promise<void>;
}

/** Makes a fresh temporary folder for one test file. */
export async function makeTempDir(prefix = 'switchboard-test-'): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** The repository root (three levels above this file: core/src/testing, or core/dist/testing once built). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The bert-base-uncased tokenizer cut down to the tokens the tests use, shipped in the repository
 * (`core/fixtures/bert-base-uncased-mini`, see its README for origin and license). Ids are bert-base-uncased's.
 */
export const BERT_FIXTURE_DIR = join(REPO_ROOT, 'core', 'fixtures', 'bert-base-uncased-mini');
