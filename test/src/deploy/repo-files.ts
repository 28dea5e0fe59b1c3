import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is test/src/deploy/repo-files.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Absolute path of a repository-relative path. */
export function repoPath(...parts: string[]): string {
  return join(REPO_ROOT, ...parts);
}

/** A repository file's text. */
export function readRepoFile(...parts: string[]): string {
  return readFileSync(repoPath(...parts), 'utf8');
}

/** Repository-relative paths of the files under `dir` whose names pass `keep`, sorted. */
export function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  const found: string[] = [];
  const walk = (abs: string) => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist') continue;
      const path = join(abs, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && keep(entry.name)) found.push(relative(REPO_ROOT, path));
    }
  };
  if (statSync(repoPath(dir), { throwIfNoEntry: false })?.isDirectory()) walk(repoPath(dir));
  return found.sort();
}

/** The non-test TypeScript sources of a package folder. */
export function sourceFiles(packageDir: string): string[] {
  return filesUnder(join(packageDir, 'src'), (name) => name.endsWith('.ts') && !name.endsWith('.test.ts'));
}
