import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { filesUnder, REPO_ROOT, repoPath } from '../deploy/repo-files.js';

// A fresh clone has nothing beside it: tests, runtime code, scripts and the test command must not
// reach for the data folder CI keeps next to the repository. Benchmarks may (with a fallback), so
// bench sources are exempt, but not bench tests. The patterns are spelled in pieces so this file
// does not match itself.
const PARENT = '..';
const NAME = 'shared';
const PATTERNS: readonly RegExp[] = [
  // '../shared', "..\\shared", new URL('../../shared/...'), `${root}/../shared`
  new RegExp(`\\${PARENT[0]}\\${PARENT[1]}[\\\\/]+${NAME}\\b`),
  // join(root, '..', 'shared') and friends
  new RegExp(`['"\`]\\.\\.['"\`]\\s*,\\s*['"\`]${NAME}['"\`]`),
  // this machine's copy by its absolute path
  new RegExp(`/work/${NAME}\\b`),
];

const SOURCE = /\.(?:[cm]?[jt]s|tsx|json|ya?ml)$/;

/** Repository files that tests, the runtime or the test command read or run. */
function guardedFiles(): string[] {
  const top = ['package.json', 'vitest.config.ts', 'pnpm-workspace.yaml', 'biome.json', 'tsconfig.json'];
  const dirs = [
    'core',
    'worker',
    'plugins',
    'client',
    'dashboard',
    'test',
    'scripts',
    'models',
    'deploy',
    'bench',
  ];
  const files = dirs.flatMap((dir) => filesUnder(dir, (name) => SOURCE.test(name)));
  return [...top, ...files].filter(
    (file) =>
      file !== 'test/src/hygiene/no-shared-folder.test.ts' &&
      !file.includes('/fixtures/') &&
      // bench code may read the data folder when it is there; its tests may not
      !(file.startsWith('bench/') && !file.endsWith('.test.ts')),
  );
}

/** The lines of `text` that reach for the folder beside the repository. */
function sharedFolderReads(text: string): string[] {
  return text.split('\n').filter((line) => PATTERNS.some((p) => p.test(line)));
}

describe('nothing but benchmarks reads the folder beside the repository', () => {
  it('recognises the ways code reaches it', () => {
    const dir = `${PARENT}/${NAME}`;
    expect(sharedFolderReads(`const d = '${dir}/models';`)).toHaveLength(1);
    expect(sharedFolderReads(`const d = "${PARENT}\\\\${NAME}\\\\data";`)).toHaveLength(1);
    expect(sharedFolderReads(`join(REPO_ROOT, '${PARENT}', '${NAME}', 'data')`)).toHaveLength(1);
    expect(sharedFolderReads(`new URL('../../${dir}/x', import.meta.url)`)).toHaveLength(1);
    expect(sharedFolderReads(`"train_file": "/work/${NAME}/data/spam/train.tsv"`)).toHaveLength(1);
    expect(sharedFolderReads(`const sharedState = join(dir, 'shared-keys');`)).toEqual([]);
  });

  it('finds no test, runtime, script or model file that does', () => {
    const files = guardedFiles();
    // The scan must cover the tests and the runtime, or it proves nothing.
    expect(files).toContain('core/src/text/hf-tokenizer.test.ts');
    expect(files).toContain('bench/src/transformer-model.test.ts');
    expect(files).toContain('plugins/http/src/create-app.ts');
    expect(files).toContain('models/spam/switchboard.json');
    expect(files).not.toContain('bench/src/bench-texts.ts');
    const offenders = files.flatMap((file) =>
      sharedFolderReads(readFileSync(repoPath(file), 'utf8')).map((line) => `${file}: ${line.trim()}`),
    );
    expect(offenders, `read from ${REPO_ROOT} only`).toEqual([]);
  });
});
