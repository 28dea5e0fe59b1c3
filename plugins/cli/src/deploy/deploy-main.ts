/**
 * `pnpm deploy:gen` writes the deployment files from the `switchboard.service` blocks;
 * `pnpm deploy:check` (`--check`) writes nothing and fails when any of them is out of date.
 *   node plugins/cli/dist/deploy/deploy-main.js [--check] [--root DIR]  (pnpm deploy:gen / deploy:check)
 */
import { REPO_ROOT } from '../stack/repo-root.js';
import { checkDeployFiles, writeDeployFiles } from './deploy-files.js';

const args = process.argv.slice(2);
const check = args.includes('--check');
const rootAt = args.indexOf('--root');
const root = rootAt >= 0 && args[rootAt + 1] ? args[rootAt + 1]! : REPO_ROOT;

try {
  if (check) {
    const { stale, orphaned } = checkDeployFiles(root);
    if (stale.length || orphaned.length) {
      for (const path of stale) console.error(`deploy:check: ${path} is out of date`);
      for (const path of orphaned) console.error(`deploy:check: ${path} belongs to no declared service`);
      console.error('deploy:check: run `pnpm deploy:gen` and commit the result.');
      process.exit(1);
    }
    console.log('deploy:check: the deployment files match the switchboard.service blocks.');
  } else {
    const changed = writeDeployFiles(root);
    for (const path of changed) console.log(`deploy:gen: wrote ${path}`);
    console.log(
      `deploy:gen: ${changed.length ? `${changed.length} files updated` : 'everything up to date'}.`,
    );
  }
} catch (err) {
  console.error(`deploy: ${(err as Error).message}`);
  process.exit(1);
}
