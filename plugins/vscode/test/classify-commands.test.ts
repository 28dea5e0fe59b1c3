import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cueLabel } from '../../../test/src/helpers/cue-model.js';
import { freePort } from '../../../test/src/helpers/free-port.js';
import { deletePrefixKeys } from '../../../test/src/helpers/redis-keys.js';
import { FAST_MODEL } from '../../../test/src/helpers/test-models.js';
import {
  type Api,
  type Backend,
  call,
  KEYS,
  startApi,
  startBackend,
} from '../../../test/src/http/http-stack.js';
import { activateExtension } from '../src/activate-extension.js';
import { API_KEY_SECRET } from '../src/api-key-store.js';
import { NO_EDITOR_MESSAGE, NOTHING_SELECTED_MESSAGE } from '../src/classify-selection.js';
import { COMMANDS, OPEN_SETTINGS_COMMAND } from '../src/command-ids.js';
import { FakeVscode, Selection, type ShownMessage } from './fake-vscode.js';

// A real HTTP API (keys required), a real worker process and the shared Redis under a fresh queue
// prefix; the extension runs its command handlers against a fake of the `vscode` module.
let backend: Backend;
let api: Api;

beforeAll(async () => {
  backend = await startBackend();
  api = await startApi(backend);
});

afterAll(async () => {
  await api?.close();
  await backend?.close();
});

interface Setup {
  /** API key in the secret storage; `null` for none. Default alice's. */
  key?: string | null;
  /** `switchboard.model`; `null` leaves the default (`sentiment`, which the test server lacks). */
  model?: string | null;
  serverUrl?: string;
  /** `switchboard.serverUrl` in the workspace's `.vscode/settings.json`. */
  workspaceServerUrl?: string;
  /** Whether the fake enforces setting scopes as VS Code does (default true). */
  enforceScopes?: boolean;
}

/** A fake VS Code with the extension activated, pointed at the test server. */
function activated(options: Setup = {}): FakeVscode {
  const fake = new FakeVscode({ enforceScopes: options.enforceScopes });
  fake.userSettings.set('switchboard.serverUrl', options.serverUrl ?? api.url);
  if (options.workspaceServerUrl !== undefined) {
    fake.workspaceSettings.set('switchboard.serverUrl', options.workspaceServerUrl);
  }
  if (options.model !== null) fake.userSettings.set('switchboard.model', options.model ?? FAST_MODEL);
  if (options.key !== null) fake.secrets.values.set(API_KEY_SECRET, options.key ?? KEYS.alice);
  activateExtension(fake.api, fake.context);
  return fake;
}

const classify = (fake: FakeVscode) => fake.commands.executeCommand(COMMANDS.classifySelection);

/** Presses `button` on every message that offers it. */
const press = (button: string) => (m: ShownMessage) => (m.buttons.includes(button) ? button : undefined);

describe('Switchboard: Classify Selection', () => {
  it('sends the selection and shows the top labels in a notification, the status bar and the log', async () => {
    const fake = activated();
    fake.openEditor('the morning was sunny\nrainy today', (doc) => [Selection.line(doc, 0)]);
    await classify(fake);
    expect(fake.shown('error')).toEqual([]);
    expect(fake.progress.map((p) => [p.title, p.cancellable])).toEqual([
      [`Switchboard: classifying the selection with ${FAST_MODEL}…`, true],
    ]);
    expect(fake.shown('information').map((m) => m.text)).toEqual([
      `Switchboard (${FAST_MODEL} 1.0.0): positive 100%`,
    ]);
    const [status] = fake.statusItems;
    expect(status).toMatchObject({ text: '$(tag) positive 100%', command: COMMANDS.showLog, visible: true });
    expect(fake.log.text).toMatch(/Classified 1 text with weather 1\.0\.0 \(job http-/);
    expect(fake.log.text).toContain('1. line 1 "the morning was sunny" → positive 100%');
  });

  it('classifies the line under the cursor when nothing is selected', async () => {
    const fake = activated();
    fake.openEditor('the morning was sunny\nquite rainy today', () => [Selection.cursor(1, 3)]);
    await classify(fake);
    expect(fake.shown('information').map((m) => m.text)).toEqual([
      `Switchboard (${FAST_MODEL} 1.0.0): negative 100%`,
    ]);
    expect(fake.log.text).toContain('1. line 2 "quite rainy today" → negative 100%');
  });

  it('says there is nothing to classify (and sends nothing) for a blank line or no editor', async () => {
    const fake = activated();
    await classify(fake);
    fake.openEditor('sunny\n   \nrainy', () => [Selection.cursor(1, 1)]);
    await classify(fake);
    expect(fake.messages).toEqual([
      { kind: 'warning', text: NO_EDITOR_MESSAGE, buttons: [] },
      { kind: 'warning', text: NOTHING_SELECTED_MESSAGE, buttons: [] },
    ]);
    expect(fake.progress).toEqual([]);
  });

  it('sends every selection of a multi-cursor edit as one batch and reports each', async () => {
    const fake = activated();
    fake.respond = press('Show Log');
    const lines = ['sunny in town', 'the weather today', 'an empty cursor line', 'rainy afternoon'];
    // Out of document order, with an empty cursor that must not become a text of its own.
    fake.openEditor(lines.join('\n'), (doc) => [
      Selection.line(doc, 3),
      Selection.line(doc, 0),
      Selection.cursor(2, 4),
      Selection.line(doc, 1),
    ]);
    await classify(fake);
    expect(fake.shown('error')).toEqual([]);
    expect(fake.progress.map((p) => p.title)).toEqual([
      `Switchboard: classifying 3 selections with ${FAST_MODEL}…`,
    ]);
    const expected = [lines[0]!, lines[1]!, lines[3]!].map(cueLabel);
    expect(expected).toEqual(['positive', 'neutral', 'negative']);
    expect(fake.shown('information')).toEqual([
      {
        kind: 'information',
        text: `Switchboard (${FAST_MODEL} 1.0.0): 3 selections: positive 1 · neutral 1 · negative 1. Each selection's scores are in the log.`,
        buttons: ['Show Log'],
      },
    ]);
    expect(fake.log.text).toContain(`1. line 1 "sunny in town" → ${expected[0]} 100%`);
    // The cue model's bias makes a text without cue words neutral by softmax(0, 1, 0).
    expect(fake.log.text).toContain(`2. line 2 "the weather today" → ${expected[1]} 58% · `);
    expect(fake.log.text).toContain(`3. line 4 "rainy afternoon" → ${expected[2]} 100%`);
    expect(fake.statusItems[0]!.text).toBe('$(tag) 3× positive 1 · neutral 1 · negative 1');
    await vi.waitFor(() => expect(fake.log.shown).toBe(true));

    // One job on the server holds all three texts: they went as one batch.
    const jobId = /\(job (http-[^;]+);/.exec(fake.log.text)?.[1];
    expect(jobId).toBeDefined();
    const job = await call(api.url, 'GET', `/v1/jobs/${jobId}`);
    expect(job.body).toMatchObject({ state: 'completed', texts: 3, model: FAST_MODEL });
    expect(job.body.result.results.map((r: { top: { label: string } }) => r.top.label)).toEqual(expected);
  });

  it('without a key asks for one (Set API Key), stores it as a secret and the retry succeeds', async () => {
    const fake = activated({ key: null });
    fake.respond = press('Set API Key');
    fake.type = () => KEYS.alice;
    fake.openEditor('sunny weather');
    await classify(fake);
    const [error] = fake.shown('error');
    expect(error!.text).toBe(
      `Switchboard: the server at ${api.url} needs an API key and none is set. Set the key you were given (the server's keys are in its HTTP_API_KEYS).`,
    );
    expect(error!.buttons).toEqual(['Set API Key']);
    expect(fake.inputBoxes).toHaveLength(1);
    expect(fake.inputBoxes[0]).toMatchObject({ password: true, ignoreFocusOut: true });
    expect(fake.secrets.values.get(API_KEY_SECRET)).toBe(KEYS.alice);
    expect(fake.shown('information').map((m) => m.text)).toEqual([
      "Switchboard: API key saved in VS Code's secret storage.",
      `Switchboard (${FAST_MODEL} 1.0.0): positive 100%`,
    ]);
    // The key is nowhere in the settings, nor in the log.
    expect(fake.settingUpdates).toEqual([]);
    expect(JSON.stringify([...fake.userSettings, ...fake.workspaceSettings])).not.toContain(KEYS.alice);
    expect(fake.log.text).not.toContain(KEYS.alice);
  });

  it('says when the stored key is rejected, and does nothing more when dismissed', async () => {
    const fake = activated({ key: 'not-a-valid-key-0123456789' });
    fake.openEditor('sunny weather');
    await classify(fake);
    expect(fake.messages).toEqual([
      {
        kind: 'error',
        text: `Switchboard: the server at ${api.url} rejected the stored API key. Set the key you were given (the server's keys are in its HTTP_API_KEYS).`,
        buttons: ['Set API Key'],
      },
    ]);
    expect(fake.inputBoxes).toEqual([]);
  });

  it('for an unknown model offers Choose Model, stores the choice and retries with it', async () => {
    const fake = activated({ model: null });
    fake.respond = press('Choose Model');
    fake.pick = (items) => items.find((i) => i.label === FAST_MODEL);
    fake.openEditor('rainy in town');
    await classify(fake);
    const [error] = fake.shown('error');
    expect(error).toEqual({
      kind: 'error',
      text: `Switchboard: Unknown model "sentiment". Available models: ${FAST_MODEL}. Choose one of the server's models.`,
      buttons: ['Choose Model'],
    });
    expect(fake.quickPicks).toHaveLength(1);
    expect(fake.settingUpdates).toEqual([{ id: 'switchboard.model', value: FAST_MODEL, target: 1 }]);
    expect(fake.shown('information').at(-1)!.text).toBe(`Switchboard (${FAST_MODEL} 1.0.0): negative 100%`);
  });

  it('when the server is down offers Retry and Open Settings; Retry works once it is up', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const fake = activated({ serverUrl: url });
    fake.openEditor('sunny');
    fake.respond = press('Open Settings');
    await classify(fake);
    const [down] = fake.shown('error');
    expect(down!.buttons).toEqual(['Retry', 'Open Settings']);
    expect(down!.text).toMatch(
      new RegExp(
        `^Switchboard: Cannot reach Switchboard at ${url}: .*ECONNREFUSED.* Start the server \\(switchboard start\\) or correct switchboard\\.serverUrl, then retry\\.$`,
      ),
    );
    expect(fake.executed.at(-1)).toEqual({ command: OPEN_SETTINGS_COMMAND, args: ['switchboard.serverUrl'] });
    expect(fake.shown('information')).toEqual([]);

    let late: Api | undefined;
    fake.respond = async (m) => {
      if (m.kind !== 'error' || late) return undefined;
      late = await startApi(backend, { port });
      return 'Retry';
    };
    try {
      await classify(fake);
      expect(fake.shown('error')).toHaveLength(2);
      expect(fake.shown('information').map((m) => m.text)).toEqual([
        `Switchboard (${FAST_MODEL} 1.0.0): positive 100%`,
      ]);
    } finally {
      await late?.close();
    }
  });

  it('Cancel stops waiting for the server and shows no result', async () => {
    // No worker consumes this prefix: the request waits until it is cancelled.
    const prefix = `${backend.prefix}-idle`;
    const idle = await startApi({ ...backend, prefix });
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    try {
      const fake = activated({ serverUrl: idle.url });
      fake.userSettings.set('switchboard.timeoutMs', 60_000);
      fake.onProgress = (progress) => {
        void vi
          .waitFor(() => expect(String(fetchSpy.mock.calls[0]?.[0])).toContain('/v1/classify'), {
            timeout: 10_000,
          })
          .then(() => progress.cancel());
      };
      fake.openEditor('sunny');
      await classify(fake);
      await fake.progress[0]!.done;
      expect(fake.messages).toEqual([]);
      expect(fake.statusItems[0]!.text).toBe('$(tag) Switchboard');
      expect(fake.log.text).toContain(`Cancelled: classifying the selection with ${FAST_MODEL}.`);
      // The request in flight was aborted, not left to finish.
      const signal = fetchSpy.mock.calls[0]![1]!.signal!;
      expect(signal.aborted).toBe(true);
    } finally {
      fetchSpy.mockRestore();
      await idle.close();
      await deletePrefixKeys(backend.redisUrl, prefix);
    }
  });

  it('when rate-limited says how long to wait; Retry waits that long first (and can be cancelled)', async () => {
    // bob's own budget of one request a minute: the first request passes, the second gets 429.
    const limited = await startApi(backend, { rateLimitPerMinute: 1 });
    try {
      const fake = activated({ serverUrl: limited.url, key: KEYS.bob });
      fake.openEditor('sunny');
      await classify(fake);
      expect(fake.shown('information')).toHaveLength(1);

      fake.respond = press('Retry');
      fake.onProgress = (progress) => {
        if (progress.title.startsWith('Switchboard: retrying in')) progress.cancel();
      };
      await classify(fake);
      const [warning] = fake.shown('warning');
      expect(warning!.buttons).toEqual(['Retry']);
      expect(warning!.text).toMatch(
        /^Switchboard: the server is busy: Rate limit of 1 requests per minute reached for key "bob"; retry in \d+ s\. Retry waits the \d+ s the server asked for\.$/,
      );
      expect(fake.progress.map((p) => p.title.replace(/\d+ s/, 'N s'))).toEqual([
        `Switchboard: classifying the selection with ${FAST_MODEL}…`,
        `Switchboard: classifying the selection with ${FAST_MODEL}…`,
        'Switchboard: retrying in N s, as the server asked…',
      ]);
      expect(fake.shown('information')).toHaveLength(1);
    } finally {
      await limited.close();
    }
  });

  it('says the limit when the selection is too large, without a Retry', async () => {
    const fake = activated();
    fake.openEditor(`${'sunny '.repeat(1_700)}`, (doc) => [Selection.line(doc, 0)]);
    await classify(fake);
    expect(fake.messages).toEqual([
      {
        kind: 'error',
        text: 'Switchboard: too much text for the server: selection 1 is longer than 10000 characters. Select less and try again.',
        buttons: [],
      },
    ]);
  });

  it('points at the setting when switchboard.serverUrl is not a URL', async () => {
    const fake = activated({ serverUrl: 'localhost 8080' });
    fake.respond = press('Open Settings');
    fake.openEditor('sunny');
    await classify(fake);
    expect(fake.shown('error').map((m) => [m.text, m.buttons])).toEqual([
      [
        'Switchboard: switchboard.serverUrl "localhost 8080" is not a URL. Set it to the Switchboard API\'s address, e.g. http://127.0.0.1:8080.',
        ['Open Settings'],
      ],
    ]);
    expect(fake.executed.at(-1)).toEqual({ command: OPEN_SETTINGS_COMMAND, args: ['switchboard.serverUrl'] });
    expect(fake.progress).toEqual([]);
  });
});

describe('a workspace cannot redirect the selection or the API key', () => {
  /** A server a hostile repository would point the extension at: it records what reaches it. */
  let thief: {
    url: string;
    requests: { url: string; authorization?: string; body: string }[];
    close(): Promise<void>;
  };

  beforeAll(async () => {
    const requests: { url: string; authorization?: string; body: string }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        requests.push({
          url: req.url ?? '',
          authorization: req.headers.authorization,
          body: Buffer.concat(chunks).toString(),
        });
        res.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    thief = {
      url: `http://127.0.0.1:${port}`,
      requests,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  });
  afterAll(() => thief?.close());

  for (const enforceScopes of [true, false]) {
    const editor = enforceScopes ? 'VS Code (scopes enforced)' : 'an editor that does not enforce scopes';
    it(`ignores switchboard.serverUrl from .vscode/settings.json in ${editor}`, async () => {
      const fake = activated({ workspaceServerUrl: thief.url, enforceScopes });
      fake.openEditor('a secret sunny line', (doc) => [Selection.line(doc, 0)]);
      await classify(fake);
      fake.pick = (items) => items[0];
      expect(await fake.commands.executeCommand<boolean>(COMMANDS.chooseModel)).toBe(true);
      expect(fake.shown('error')).toEqual([]);
      expect(fake.shown('information').map((m) => m.text)[0]).toBe(
        `Switchboard (${FAST_MODEL} 1.0.0): positive 100%`,
      );
      expect(thief.requests).toEqual([]);
    });
  }
});

describe('Switchboard: Choose Model', () => {
  it("lists the server's models with version and labels and stores the choice", async () => {
    const fake = activated();
    fake.pick = (items) => items[0];
    const chosen = await fake.commands.executeCommand<boolean>(COMMANDS.chooseModel);
    expect(chosen).toBe(true);
    expect(fake.quickPicks).toHaveLength(1);
    expect(fake.quickPicks[0]!.items).toEqual([
      {
        label: FAST_MODEL,
        description: 'v1.0.0 · current · server default',
        detail: 'negative, neutral, positive — Test model: "sunny" is positive, "rainy" negative.',
        model: expect.objectContaining({ name: FAST_MODEL, version: '1.0.0' }),
      },
    ]);
    expect(fake.settingUpdates).toEqual([{ id: 'switchboard.model', value: FAST_MODEL, target: 1 }]);
    expect(fake.shown('information').map((m) => m.text)).toEqual([
      `Switchboard: Classify Selection now uses ${FAST_MODEL} (v1.0.0: negative, neutral, positive).`,
    ]);
  });

  it('stores the choice in the workspace when the workspace sets the model', async () => {
    const fake = activated();
    fake.workspaceSettings.set('switchboard.model', 'toxicity');
    fake.pick = (items) => items[0];
    await fake.commands.executeCommand(COMMANDS.chooseModel);
    expect(fake.settingUpdates).toEqual([{ id: 'switchboard.model', value: FAST_MODEL, target: 2 }]);
    expect(fake.workspace.getConfiguration('switchboard').get('model')).toBe(FAST_MODEL);
  });

  it('changes nothing when the quick pick is dismissed', async () => {
    const fake = activated();
    expect(await fake.commands.executeCommand<boolean>(COMMANDS.chooseModel)).toBe(false);
    expect(fake.quickPicks).toHaveLength(1);
    expect(fake.settingUpdates).toEqual([]);
    expect(fake.messages).toEqual([]);
  });
});

describe('Switchboard: Set API Key and Show Log', () => {
  it('keeps the key in the secret storage; an empty answer removes it, Escape keeps it', async () => {
    const fake = activated({ key: null });
    fake.type = () => `  ${KEYS.bob} `;
    expect(await fake.commands.executeCommand<boolean>(COMMANDS.setApiKey)).toBe(true);
    expect(fake.inputBoxes[0]).toMatchObject({ password: true, title: 'Switchboard: Set API Key' });
    expect(fake.inputBoxes[0]!.prompt).toContain(api.url);
    expect(fake.secrets.values.get(API_KEY_SECRET)).toBe(KEYS.bob);

    fake.type = () => undefined;
    expect(await fake.commands.executeCommand<boolean>(COMMANDS.setApiKey)).toBe(false);
    expect(fake.secrets.values.get(API_KEY_SECRET)).toBe(KEYS.bob);

    fake.type = () => '';
    expect(await fake.commands.executeCommand<boolean>(COMMANDS.setApiKey)).toBe(false);
    expect(fake.secrets.values.has(API_KEY_SECRET)).toBe(false);
    expect(fake.shown('information').map((m) => m.text)).toEqual([
      "Switchboard: API key saved in VS Code's secret storage.",
      'Switchboard: API key removed.',
    ]);
    expect(fake.settingUpdates).toEqual([]);
    expect(await fake.inputBoxes[0]!.validateInput!('two words')).toBe('An API key has no spaces.');
  });

  it('Show Log reveals the output channel; the status-bar item runs it', async () => {
    const fake = activated();
    expect(fake.log.name).toBe('Switchboard');
    expect(fake.log.shown).toBe(false);
    await fake.commands.executeCommand(fake.statusItems[0]!.command as string);
    expect(fake.log.shown).toBe(true);
  });
});
