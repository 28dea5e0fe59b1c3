import { readFileSync } from 'node:fs';
import {
  InvalidInputError,
  SwitchboardHttpError,
  type TextResult,
  TimeoutError,
  UnavailableError,
} from '@switchboard/client';
import { describe, expect, it } from 'vitest';
import { type AdviceContext, adviceFor } from '../src/error-advice.js';
import { formatScores, summarizeTopLabels } from '../src/format-result.js';
import { selectedTexts } from '../src/selection-texts.js';
import { DEFAULT_SETTINGS, readSettings, SettingsError } from '../src/settings.js';
import { FakeDocument, FakeVscode, manifestUserOnlySettings, Position, Selection } from './fake-vscode.js';

function result(...scores: [string, number][]): TextResult {
  const labels = scores.map(([label, score]) => ({ label, score }));
  return { labels, top: labels[0]!, truncated: false };
}

describe('selectedTexts', () => {
  const doc = new FakeDocument('first line\n\n  third line  \nfourth');

  it('takes the non-empty selections in document order and leaves blank ones out', () => {
    const selections = [
      new Selection(new Position(3, 0), new Position(3, 6)),
      new Selection(new Position(0, 6), new Position(0, 0)),
      Selection.cursor(2, 3),
      new Selection(new Position(1, 0), new Position(1, 0)),
      new Selection(new Position(0, 10), new Position(2, 2)),
    ];
    // The selection from the end of line 1 to line 3 holds only blanks: the server would refuse it.
    expect(selectedTexts({ document: doc, selections } as never)).toEqual([
      { text: 'first ', line: 0 },
      { text: 'fourth', line: 3 },
    ]);
  });

  it("takes each cursor's line once when nothing is selected, skipping blank lines", () => {
    const selections = [
      Selection.cursor(2, 1),
      Selection.cursor(0, 3),
      Selection.cursor(0, 7),
      Selection.cursor(1),
    ];
    expect(selectedTexts({ document: doc, selections } as never)).toEqual([
      { text: 'first line', line: 0 },
      { text: '  third line  ', line: 2 },
    ]);
  });
});

describe('formatScores and summarizeTopLabels', () => {
  it('shows the top label and up to two runners-up that round to at least 1%', () => {
    expect(formatScores(result(['positive', 0.93], ['negative', 0.07]))).toBe('positive 93% · negative 7%');
    expect(formatScores(result(['a', 0.5], ['b', 0.3], ['c', 0.15], ['d', 0.05]))).toBe(
      'a 50% · b 30% · c 15%',
    );
    expect(formatScores(result(['spam', 0.996], ['ham', 0.004]))).toBe('spam 100%');
  });

  it('counts top labels, most frequent first', () => {
    const results = [result(['b', 0.9]), result(['a', 0.8]), result(['a', 0.7])];
    expect(summarizeTopLabels(results)).toBe('a 2 · b 1');
  });
});

describe('adviceFor', () => {
  const context: AdviceContext = { settings: DEFAULT_SETTINGS, hadApiKey: true, request: 'classify' };

  it('a timeout names the job that may still finish, with Retry and the timeout setting', () => {
    const advice = adviceFor(
      new TimeoutError('late', { status: 0, code: 'timeout', jobId: 'http-1' }),
      context,
    );
    expect(advice).toEqual({
      severity: 'error',
      message:
        "Switchboard: no answer within 10 s (switchboard.timeoutMs). Job http-1 may still finish. The server's workers may be busy or stopped: retry, or raise the timeout.",
      actions: [{ kind: 'retry' }, { kind: 'openSettings', setting: 'switchboard.timeoutMs' }],
    });
  });

  it("a 503 carries the server's Retry-After for the Retry button", () => {
    const err = new UnavailableError('Cannot reach Redis.', {
      status: 503,
      code: 'queue_unavailable',
      retryAfterMs: 5_000,
    });
    const advice = adviceFor(err, context);
    expect(advice.retryAfterMs).toBe(5_000);
    expect(advice.actions.map((a) => a.kind)).toEqual(['retry', 'openSettings']);
    expect(advice.message).toContain('cannot classify right now: Cannot reach Redis.');
  });

  it('a 422 names the selection, a server failure offers Retry and the log, anything else the log', () => {
    const invalid = new InvalidInputError('inputs[1] must not be blank', {
      status: 422,
      code: 'invalid_input',
    });
    expect(adviceFor(invalid, context)).toEqual({
      severity: 'error',
      message: 'Switchboard: the server refused the text: selection 2 must not be blank.',
      actions: [],
    });
    const failed = new SwitchboardHttpError('Internal error.', { status: 500, code: 'internal' });
    expect(adviceFor(failed, context).actions.map((a) => a.kind)).toEqual(['retry', 'showLog']);
    expect(adviceFor(new Error('boom'), context)).toMatchObject({
      message: 'Switchboard: unexpected error: boom. The log has the details.',
      actions: [{ kind: 'showLog' }],
    });
  });
});

describe('the manifest keeps where text and key go out of workspaces', () => {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    capabilities?: {
      untrustedWorkspaces?: {
        supported: boolean | 'limited';
        description?: string;
        restrictedConfigurations?: string[];
      };
    };
    contributes: { configuration: { properties: Record<string, { scope?: string }> } };
  };

  it('declares switchboard.serverUrl machine- or application-scoped', () => {
    // Every setting that decides where the API key or the selected text goes.
    for (const id of ['switchboard.serverUrl']) {
      expect(['machine', 'application']).toContain(manifest.contributes.configuration.properties[id]?.scope);
    }
    expect(manifestUserOnlySettings()).toEqual(new Set(['switchboard.serverUrl']));
  });

  it('declares how it behaves in an untrusted workspace', () => {
    const untrusted = manifest.capabilities?.untrustedWorkspaces;
    expect(untrusted?.supported).toBe('limited');
    expect(untrusted?.description).toMatch(/server URL/);
    expect(untrusted?.restrictedConfigurations).toEqual(['switchboard.serverUrl']);
  });
});

describe('readSettings', () => {
  function settingsOf(values: Record<string, unknown>) {
    const fake = new FakeVscode();
    for (const [id, value] of Object.entries(values)) fake.userSettings.set(id, value);
    return () => readSettings(fake.api);
  }

  it('uses the manifest defaults, trims slashes and keeps the timeout sensible', () => {
    expect(settingsOf({})()).toEqual(DEFAULT_SETTINGS);
    expect(
      settingsOf({
        'switchboard.serverUrl': ' https://sb.example/api/ ',
        'switchboard.model': ' ',
        'switchboard.timeoutMs': 5,
      })(),
    ).toEqual({ serverUrl: 'https://sb.example/api', model: 'sentiment', timeoutMs: 1_000 });
  });

  it("reads switchboard.serverUrl from user settings only, never the workspace's", () => {
    for (const enforceScopes of [true, false]) {
      const fake = new FakeVscode({ enforceScopes });
      fake.workspaceSettings.set('switchboard.serverUrl', 'https://attacker.example');
      expect(readSettings(fake.api).serverUrl).toBe(DEFAULT_SETTINGS.serverUrl);
      fake.userSettings.set('switchboard.serverUrl', 'https://sb.example');
      expect(readSettings(fake.api).serverUrl).toBe('https://sb.example');
    }
  });

  it('refuses a server URL that is not http(s), naming the setting', () => {
    expect(settingsOf({ 'switchboard.serverUrl': 'ftp://host' })).toThrow(SettingsError);
    expect(settingsOf({ 'switchboard.serverUrl': 'ftp://host' })).toThrow(
      /must start with http:\/\/ or https:\/\//,
    );
  });
});
