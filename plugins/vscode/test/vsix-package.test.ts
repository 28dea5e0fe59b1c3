import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST_MODEL } from '../../../test/src/helpers/test-models.js';
import { type Api, type Backend, KEYS, startApi, startBackend } from '../../../test/src/http/http-stack.js';
import { API_KEY_SECRET } from '../src/api-key-store.js';
import { NO_EDITOR_MESSAGE } from '../src/classify-selection.js';
import { COMMANDS } from '../src/command-ids.js';
import { FakeVscode } from './fake-vscode.js';
import { readZip } from './read-zip.js';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const VSIX = join(PACKAGE_DIR, 'dist', 'switchboard-vscode.vsix');
/** The global the fake `vscode` package hands to the bundle. */
const FAKE_GLOBAL = '__switchboardFakeVscode';

interface Manifest {
  name: string;
  publisher: string;
  main: string;
  icon: string;
  engines: { vscode: string };
  activationEvents: string[];
  capabilities: {
    untrustedWorkspaces: { supported: boolean | 'limited'; restrictedConfigurations?: string[] };
  };
  contributes: {
    commands: { command: string; title: string; category: string }[];
    configuration: { properties: Record<string, { type: string; default: unknown; scope?: string }> };
  };
}

let files: Map<string, Buffer>;
let manifest: Manifest;
let unpacked: string;

beforeAll(async () => {
  // The package's build script, as `pnpm package:vscode` runs it: the client's build, esbuild
  // bundle, then `vsce package`. Run through npm, which comes with every Node, since pnpm may be
  // reached only through npx.
  const build = spawnSync('npm', ['run', 'build'], { cwd: PACKAGE_DIR, encoding: 'utf8', timeout: 180_000 });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
  files = await readZip(VSIX);
  manifest = JSON.parse(files.get('extension/package.json')!.toString('utf8')) as Manifest;
  unpacked = await mkdtemp(join(tmpdir(), 'switchboard-vsix-'));
  for (const [name, bytes] of files) {
    await mkdir(dirname(join(unpacked, name)), { recursive: true });
    await writeFile(join(unpacked, name), bytes);
  }
}, 240_000);

afterAll(async () => {
  if (unpacked) await rm(unpacked, { recursive: true, force: true });
  delete (globalThis as Record<string, unknown>)[FAKE_GLOBAL];
});

describe('the .vsix', () => {
  it('holds the bundle, icon, README, LICENSE and manifest, and nothing else', () => {
    expect([...files.keys()].sort()).toEqual([
      '[Content_Types].xml',
      'extension.vsixmanifest',
      'extension/LICENSE.txt',
      'extension/dist/extension.js',
      'extension/icon.png',
      'extension/package.json',
      'extension/readme.md',
    ]);
    expect(files.get('extension/LICENSE.txt')!.toString()).toMatch(/^MIT License/);
    expect(files.get('extension/readme.md')!.toString()).toContain('Switchboard: Set API Key');
    const vsixManifest = files.get('extension.vsixmanifest')!.toString();
    expect(vsixManifest).toContain('Id="switchboard-vscode"');
    expect(vsixManifest).toContain('Publisher="switchboard"');
  });

  it('has a 128×128 PNG icon', () => {
    const icon = files.get('extension/icon.png')!;
    expect(icon.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(icon.subarray(12, 16).toString('ascii')).toBe('IHDR');
    expect([icon.readUInt32BE(16), icon.readUInt32BE(20)]).toEqual([128, 128]);
  });

  it('declares the commands, their activation, the settings, the engine and the entry point', () => {
    expect(manifest).toMatchObject({
      name: 'switchboard-vscode',
      publisher: 'switchboard',
      main: './dist/extension.js',
      icon: 'icon.png',
      engines: { vscode: '^1.90.0' },
    });
    const ids = Object.values(COMMANDS);
    expect(manifest.contributes.commands.map((c) => c.command).sort()).toEqual([...ids].sort());
    for (const command of manifest.contributes.commands) {
      expect(command.category).toBe('Switchboard');
      expect(command.title).not.toBe('');
    }
    expect(manifest.activationEvents.sort()).toEqual(ids.map((id) => `onCommand:${id}`).sort());
    const settings = manifest.contributes.configuration.properties;
    expect(Object.fromEntries(Object.entries(settings).map(([id, s]) => [id, [s.type, s.default]]))).toEqual({
      'switchboard.serverUrl': ['string', 'http://127.0.0.1:8080'],
      'switchboard.model': ['string', 'sentiment'],
      'switchboard.timeoutMs': ['integer', 10_000],
    });
    expect(settings['switchboard.serverUrl']).toMatchObject({ scope: 'machine' });
    expect(manifest.capabilities.untrustedWorkspaces).toMatchObject({
      supported: 'limited',
      restrictedConfigurations: ['switchboard.serverUrl'],
    });
  });

  it('bundles the client: the entry requires nothing but vscode and Node built-ins', () => {
    const bundle = files.get('extension/dist/extension.js')!.toString();
    const required = [...bundle.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!);
    expect(required).toContain('vscode');
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    expect(required.filter((m) => m !== 'vscode' && !builtins.has(m))).toEqual([]);
    expect(bundle).not.toMatch(/onnxruntime|@switchboard\/core/);
  });
});

describe('the bundled extension', () => {
  let backend: Backend;
  let api: Api;

  beforeAll(async () => {
    // Listing models needs no worker.
    backend = await startBackend({ worker: false });
    api = await startApi(backend);
  });

  afterAll(async () => {
    await api?.close();
    await backend?.close();
  });

  it('loads with a `vscode` module, registers its commands and talks to the server', async () => {
    const fake = new FakeVscode();
    (globalThis as Record<string, unknown>)[FAKE_GLOBAL] = fake;
    const vscodeDir = join(unpacked, 'extension', 'node_modules', 'vscode');
    await mkdir(vscodeDir, { recursive: true });
    await writeFile(join(vscodeDir, 'index.js'), `module.exports = globalThis.${FAKE_GLOBAL};\n`);
    const extension = createRequire(import.meta.url)(join(unpacked, 'extension', manifest.main)) as {
      activate(context: unknown): void;
      deactivate(): void;
    };
    extension.activate(fake.context);
    expect([...fake.handlers.keys()].sort()).toEqual(
      manifest.contributes.commands.map((c) => c.command).sort(),
    );
    expect(fake.channels.map((c) => c.name)).toEqual(['Switchboard']);
    expect(fake.statusItems).toHaveLength(1);

    await fake.commands.executeCommand(COMMANDS.classifySelection);
    expect(fake.messages.map((m) => m.text)).toEqual([NO_EDITOR_MESSAGE]);

    fake.userSettings.set('switchboard.serverUrl', api.url);
    fake.secrets.values.set(API_KEY_SECRET, KEYS.alice);
    fake.pick = (items) => items.find((i) => i.label === FAST_MODEL);
    expect(await fake.commands.executeCommand(COMMANDS.chooseModel)).toBe(true);
    expect(fake.quickPicks[0]!.items.map((i) => [i.label, i.description])).toEqual([
      [FAST_MODEL, 'v1.0.0 · server default'],
    ]);
    expect(fake.workspace.getConfiguration('switchboard').get('model')).toBe(FAST_MODEL);
    extension.deactivate();
  });
});
