import { fileURLToPath } from 'node:url';

/** The workspace root (this file sits at plugins/cli/src/stack/, compiled to plugins/cli/dist/stack/). */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
