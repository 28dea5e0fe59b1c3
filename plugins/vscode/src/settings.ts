import type { VscodeApi } from './vscode-api.js';

/** The configuration section of every setting below. */
export const SETTINGS_SECTION = 'switchboard';

/** Defaults, the same as `contributes.configuration` declares. */
export const DEFAULT_SETTINGS = {
  serverUrl: 'http://127.0.0.1:8080',
  model: 'sentiment',
  timeoutMs: 10_000,
} as const;

/** Shortest timeout accepted: below it nearly every request would time out. */
const MIN_TIMEOUT_MS = 1_000;

/** The extension's settings, read afresh for every request so edits apply at once. */
export interface Settings {
  /** `switchboard.serverUrl`, without trailing slashes. */
  readonly serverUrl: string;
  /** `switchboard.model`. */
  readonly model: string;
  /** `switchboard.timeoutMs`. */
  readonly timeoutMs: number;
}

/** A setting holds a value the extension cannot use; the message names it and says what to put. */
export class SettingsError extends Error {
  /** Full id of the setting, e.g. `switchboard.serverUrl`. */
  readonly setting: string;

  constructor(setting: string, message: string) {
    super(message);
    this.name = 'SettingsError';
    this.setting = setting;
  }
}

/**
 * Reads the settings, falling back to the defaults for blank values.
 * @throws SettingsError when `switchboard.serverUrl` is not an http(s) URL
 */
export function readSettings(api: VscodeApi): Settings {
  const config = api.workspace.getConfiguration(SETTINGS_SECTION);
  const rawUrl = userLevelServerUrl(config).trim() || DEFAULT_SETTINGS.serverUrl;
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new SettingsError(
      'switchboard.serverUrl',
      `switchboard.serverUrl "${rawUrl}" is not a URL. Set it to the Switchboard API's address, e.g. ${DEFAULT_SETTINGS.serverUrl}.`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SettingsError(
      'switchboard.serverUrl',
      `switchboard.serverUrl "${rawUrl}" must start with http:// or https://, e.g. ${DEFAULT_SETTINGS.serverUrl}.`,
    );
  }
  const model = (config.get<string>('model') ?? '').trim() || DEFAULT_SETTINGS.model;
  const timeout = Number(config.get<number>('timeoutMs'));
  const timeoutMs =
    Number.isFinite(timeout) && timeout > 0 ? Math.max(MIN_TIMEOUT_MS, timeout) : DEFAULT_SETTINGS.timeoutMs;
  return { serverUrl: rawUrl.replace(/\/+$/, ''), model, timeoutMs };
}

/**
 * `switchboard.serverUrl` from the user (or remote machine) settings, never a workspace's: the
 * selected text and the API key go to this URL, so a repository's `.vscode/settings.json` must not
 * be able to point it elsewhere. The manifest declares the setting `machine`-scoped, which makes
 * VS Code ignore workspace values; reading only the user-level value keeps that true in an editor
 * that does not enforce scopes.
 */
function userLevelServerUrl(config: ReturnType<VscodeApi['workspace']['getConfiguration']>): string {
  const where = config.inspect<string>('serverUrl');
  const value = where ? (where.globalValue ?? where.defaultValue) : undefined;
  return typeof value === 'string' ? value : '';
}

/**
 * Stores `switchboard.model`. A workspace that sets the model itself would shadow a user-level
 * value, so the choice goes where the current value comes from.
 */
export async function storeModel(api: VscodeApi, model: string): Promise<void> {
  const config = api.workspace.getConfiguration(SETTINGS_SECTION);
  const where = config.inspect<string>('model');
  const target =
    where?.workspaceValue !== undefined ? api.ConfigurationTarget.Workspace : api.ConfigurationTarget.Global;
  await config.update('model', model, target);
}
