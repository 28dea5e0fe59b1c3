import { existsSync } from 'node:fs';
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

/** `../shared` beside the repository, where CI keeps data and reference tokenizers. */
export const SHARED_DIR = join(REPO_ROOT, '..', 'shared');

/** Folder of the real bert-base-uncased tokenizer files, or undefined when `../shared` is absent. */
export function bertTokenizerDir(): string | undefined {
  const dir = join(SHARED_DIR, 'models', 'bert-base-uncased-tokenizer');
  return existsSync(join(dir, 'tokenizer.json')) ? dir : undefined;
}

/** Why tokenizer tests are skipped when {@link bertTokenizerDir} finds nothing. */
export const BERT_MISSING_REASON = `no bert-base-uncased tokenizer at ${join(SHARED_DIR, 'models', 'bert-base-uncased-tokenizer')} (clone the shared folder beside the repository to run this test)`;
