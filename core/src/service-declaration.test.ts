import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseServiceDeclaration } from './service-declaration.js';
import { entryExecArgv, findServices, missingRequirement, workspaceGlobs } from './workspace-services.js';

const minimal = { name: 'echo', entry: 'dist/echo-main.js' };
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A workspace with the given package.json files (folder → manifest). */
function workspace(packages: Record<string, object>, globs = ['plugins/*']): string {
  const root = mkdtempSync(join(tmpdir(), 'switchboard-services-'));
  dirs.push(root);
  writeFileSync(
    join(root, 'pnpm-workspace.yaml'),
    `packages:\n${globs.map((g) => `  - ${g}`).join('\n')}\n\nallowBuilds:\n  x: true\n`,
  );
  for (const [dir, manifest] of Object.entries(packages)) {
    mkdirSync(join(root, dir), { recursive: true });
    writeFileSync(join(root, dir, 'package.json'), JSON.stringify(manifest));
  }
  return root;
}

describe('parseServiceDeclaration', () => {
  it('accepts a minimal block and a full one', () => {
    expect(parseServiceDeclaration(minimal, 'p')).toEqual(minimal);
    const full = {
      ...minimal,
      requires: ['ECHO_TOKEN', 'ECHO_SECRET|ECHO_APP_TOKEN'],
      listen: { port: 3900, portEnv: 'ECHO_PORT', hostEnv: 'ECHO_HOST', portName: 'events', publish: true },
      health: { path: '/readyz', live: '/healthz' },
      env: {
        ECHO_TOKEN: { secret: true, required: true },
        ECHO_PORT: { default: '3900', container: '3900' },
      },
      compose: { replicas: 2, stopGracePeriod: '1m30s' },
      kubernetes: {
        replicas: 'autoscaled',
        requests: { cpu: '100m', memory: '64Mi' },
        limits: { cpu: '1', memory: '1Gi' },
      },
    };
    expect(parseServiceDeclaration(full, 'p')).toEqual(full);
  });

  it('names the file and every bad field', () => {
    const bad = {
      name: 'Echo Bot',
      entry: '../elsewhere.js',
      requires: ['lower'],
      health: { path: '/healthz', none: 'both' },
      env: { ECHO_TOKEN: { secret: true, default: 'leaked' } },
      kubernetes: {
        replicas: 1,
        requests: { cpu: 'lots', memory: '1Gi' },
        limits: { cpu: '1', memory: '1Gi' },
      },
      colour: 'blue',
    };
    let message = '';
    try {
      parseServiceDeclaration(bad, 'plugins/echo/package.json');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^plugins\/echo\/package\.json: invalid switchboard\.service block:/);
    for (const field of [
      'switchboard.service.name: lower-case letters',
      'switchboard.service.entry: a path inside the package',
      'switchboard.service.requires[0]: NAME or NAME|OTHER',
      'switchboard.service.health: needs exactly one of path and none',
      'switchboard.service.env.ECHO_TOKEN: a secret has no default',
      'switchboard.service.kubernetes.requests.cpu: a Kubernetes quantity',
      'colour',
    ])
      expect(message).toContain(field);
  });

  it('refuses the names the image keeps for itself, and a health path without a port', () => {
    expect(() => parseServiceDeclaration({ ...minimal, name: 'cli' }, 'p')).toThrow(/is reserved/);
    expect(() => parseServiceDeclaration({ ...minimal, health: { path: '/healthz' } }, 'p')).toThrow(
      /a health path needs a listen port/,
    );
  });
});

describe('findServices', () => {
  it('finds the declared services of the workspace globs, in start order, with their paths', () => {
    const root = workspace({
      'plugins/b': { name: '@x/b', switchboard: { service: { name: 'b', entry: 'dist/b.js', order: 40 } } },
      'plugins/a': { name: '@x/a', switchboard: { service: { name: 'a', entry: 'dist/a.js', order: 40 } } },
      'plugins/w': { name: '@x/w', switchboard: { service: { name: 'w', entry: 'dist/w.js', order: 10 } } },
      'plugins/lib': { name: '@x/lib' },
      outside: { name: '@x/outside', switchboard: { service: { name: 'o', entry: 'o.js' } } },
    });
    const found = findServices(root);
    expect(found.map((s) => s.name)).toEqual(['w', 'a', 'b']);
    expect(found[1]).toMatchObject({
      packageName: '@x/a',
      packageDir: 'plugins/a',
      entryFromRoot: 'plugins/a/dist/a.js',
      entryPath: join(root, 'plugins/a/dist/a.js'),
    });
  });

  it('refuses an invalid block, two packages declaring one name, and globs it cannot read', () => {
    expect(() =>
      findServices(workspace({ 'plugins/a': { name: 'a', switchboard: { service: { name: 'a' } } } })),
    ).toThrow(
      /plugins\/a\/package\.json: invalid switchboard\.service block:\n {2}switchboard\.service\.entry/,
    );
    const twins = workspace({
      'plugins/a': { name: 'a', switchboard: { service: { name: 'same', entry: 'a.js' } } },
      'plugins/b': { name: 'b', switchboard: { service: { name: 'same', entry: 'b.js' } } },
    });
    expect(() => findServices(twins)).toThrow(
      /plugins\/b\/package\.json: service "same" is already declared by plugins\/a/,
    );
    expect(() => workspaceGlobs(workspace({}, ['plugins/**']))).toThrow(
      /"plugins\/\*\*" is not of the form dir or dir\/\*/,
    );
  });
});

describe('missingRequirement and entryExecArgv', () => {
  it('names the first unmet requirement, alternatives joined by "or"; empty values do not count', () => {
    const service = { ...minimal, requires: ['A', 'B|C'] };
    expect(missingRequirement(service, {})).toBe('A');
    expect(missingRequirement(service, { A: 'x', B: '' })).toBe('B or C');
    expect(missingRequirement(service, { A: 'x', C: 'y' })).toBeUndefined();
  });

  it('runs compiled entries with plain node, with no flags of the launching process', () => {
    expect(entryExecArgv('/w/dist/main.js')).toEqual([]);
  });
});
