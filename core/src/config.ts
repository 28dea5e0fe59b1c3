import { fileURLToPath } from 'node:url';

/** The repository's own `models/` folder, used when `SWITCHBOARD_MODELS` is not set. */
export const BUNDLED_MODELS_DIR = fileURLToPath(new URL('../../models', import.meta.url));

/** The model repository folder: `SWITCHBOARD_MODELS`, else the shipped `models/`. */
export function modelsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.SWITCHBOARD_MODELS && env.SWITCHBOARD_MODELS.length > 0
    ? env.SWITCHBOARD_MODELS
    : BUNDLED_MODELS_DIR;
}
