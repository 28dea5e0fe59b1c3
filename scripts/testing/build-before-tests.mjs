// Vitest global set-up: tests start services, the CLI and worker threads from `dist/`, and import
// other packages through their `dist/` exports, so the build must be current before any test runs.
import { buildIfStale } from '../lib/build-if-stale.mjs';

export default function setup() {
  if (!buildIfStale((line) => console.log(line))) {
    throw new Error('The build failed (tsc errors above): tests would run against stale dist/ files.');
  }
}
