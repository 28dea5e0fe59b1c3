import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SlowModelOptions, writeCueModel, writeSlowCueModel } from './cue-model.js';

/** Name of the fast cue model in a {@link TestModels} repository. */
export const FAST_MODEL = 'weather';

/** Name of the slow cue model in a {@link TestModels} repository (present with `slow: true`). */
export const SLOW_MODEL = 'weather-slow';

/** A temporary model repository holding the cue models. */
export interface TestModels {
  /** The repository folder (`SWITCHBOARD_MODELS`). */
  readonly dir: string;
  /** Deletes the folder. */
  remove(): Promise<void>;
}

/**
 * Writes {@link FAST_MODEL} into a new temporary folder, and {@link SLOW_MODEL} when `slow` is set
 * (`true` for its default weight, or its options).
 */
export async function createTestModels(
  options: { slow?: boolean | SlowModelOptions } = {},
): Promise<TestModels> {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-models-'));
  await writeCueModel(join(dir, FAST_MODEL));
  if (options.slow) {
    await writeSlowCueModel(join(dir, SLOW_MODEL), options.slow === true ? {} : options.slow);
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
