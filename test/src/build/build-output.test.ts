import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesUnder, REPO_ROOT, readRepoFile } from '../deploy/repo-files.js';
import { serviceDeclarations, workspacePackages } from '../deploy/service-declarations.js';

// What the build promises: every package compiles to dist/, its exports and service entries point
// there, and the compiled files run with plain `node`. Vitest's global set-up has built the
// workspace before this file runs, so dist/ is current.

type ExportTarget = string | { types?: string; default?: string };

/** The packages whose `exports` name compiled files (the VS Code extension is bundled instead). */
function exportingPackages() {
  return workspacePackages().filter(
    (p) => (p.manifest as { exports?: unknown }).exports !== undefined && p.dir !== 'plugins/vscode',
  );
}

/** Runs `node args...` from the repository root with nothing preloaded. */
function node(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(process.execPath, args, { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000, env });
}

describe('the build', () => {
  it('gives every exported entry a compiled file and its declarations in dist/', () => {
    const packages = exportingPackages();
    expect(packages.map((p) => p.dir)).toEqual(expect.arrayContaining(['core', 'train', 'worker', 'client']));
    for (const pkg of packages) {
      const exports = (pkg.manifest as unknown as { exports: Record<string, ExportTarget> }).exports;
      for (const [subpath, target] of Object.entries(exports)) {
        const where = `${pkg.dir} exports["${subpath}"]`;
        expect(typeof target, `${where} has types and default`).toBe('object');
        const { types, default: main } = target as { types?: string; default?: string };
        expect(main, where).toMatch(/^\.\/dist\/.+\.js$/);
        expect(types, where).toBe(main!.replace(/\.js$/, '.d.ts'));
        expect(existsSync(join(REPO_ROOT, pkg.dir, main!)), `${pkg.dir}/${main} exists`).toBe(true);
        expect(existsSync(join(REPO_ROOT, pkg.dir, types!)), `${pkg.dir}/${types} exists`).toBe(true);
      }
    }
  });

  it('declares every service with a compiled entry that exists', () => {
    const services = serviceDeclarations();
    expect(services.size).toBeGreaterThanOrEqual(5);
    for (const [name, service] of services) {
      expect(service.entry, name).toMatch(/^[a-z/]+\/dist\/[a-z-]+\.js$/);
      expect(existsSync(join(REPO_ROOT, service.entry)), `${service.entry} exists`).toBe(true);
    }
  });

  it('leaves tests out of dist/', () => {
    // test/ and the VS Code extension emit declarations only, for the type-check of their tests.
    const runnable = workspacePackages().filter((p) => p.dir !== 'test' && p.dir !== 'plugins/vscode');
    expect(runnable.length).toBeGreaterThanOrEqual(10);
    const compiledTests = runnable.flatMap((p) =>
      listDist(p.dir).filter((f) => /\.test\.(js|d\.ts)$/.test(f)),
    );
    expect(compiledTests).toEqual([]);
  });

  it('runs the CLI as compiled JavaScript with plain node', () => {
    const res = node(['plugins/cli/dist/main.js', '--help']);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/^Usage: switchboard/);
    const bin = (JSON.parse(readRepoFile('plugins/cli/package.json')) as { bin: Record<string, string> }).bin;
    expect(bin.switchboard).toBe('./dist/main.js');
    expect(readRepoFile('plugins/cli/dist/main.js').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('runs `pnpm switchboard` through the launcher without rebuilding a fresh build', () => {
    const scripts = (JSON.parse(readRepoFile('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.switchboard).toBe('node scripts/run-built.mjs plugins/cli/dist/main.js');
    const res = node(['scripts/run-built.mjs', 'plugins/cli/dist/main.js', 'models', '--help']);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/^Usage: switchboard models/);
  });

  it('says how to build when asked to run an entry that does not exist', () => {
    const res = node(['scripts/run-built.mjs', 'plugins/cli/dist/no-such-entry.js']);
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('plugins/cli/dist/no-such-entry.js does not exist: build the workspace');
  });

  it('keeps tsx out of what runs: no runtime dependency, no loader flag, no tsx import in sources', () => {
    const root = JSON.parse(readRepoFile('package.json')) as { dependencies?: Record<string, string> };
    expect(root.dependencies?.tsx).toBeUndefined();
    for (const pkg of workspacePackages()) {
      expect(
        (pkg.manifest.dependencies as Record<string, string> | undefined)?.tsx,
        `${pkg.dir} depends on tsx`,
      ).toBeUndefined();
    }
    const runtime = ['core', 'train', 'worker', 'client', 'dashboard', 'plugins/cli', 'plugins/http']
      .flatMap((dir) =>
        filesUnder(join(dir, 'src'), (n) => /\.(ts|mjs|js)$/.test(n) && !n.endsWith('.test.ts')),
      )
      .filter((file) =>
        /from 'tsx|--import', 'tsx'|tsImport/.test(readFileSync(join(REPO_ROOT, file), 'utf8')),
      );
    expect(runtime).toEqual([]);
  });
});

/** Repository-relative paths of the files in a package's dist/ (none when it has no dist/). */
function listDist(dir: string): string[] {
  const dist = join(dir, 'dist');
  if (!existsSync(join(REPO_ROOT, dist))) return [];
  return readdirSync(join(REPO_ROOT, dist), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}
