import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './repo-root.js';

/**
 * Reads the workspace's `.env` into `process.env` (variables already set win), as `switchboard
 * start`, `run` and `services` all do. Returns whether there was one.
 */
export function loadDotEnv(root = REPO_ROOT): boolean {
  const envFile = join(root, '.env');
  if (!existsSync(envFile)) return false;
  process.loadEnvFile(envFile);
  return true;
}
