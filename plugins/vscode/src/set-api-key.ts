import type { ExtensionServices } from './extension-services.js';
import { readSettings, SettingsError } from './settings.js';

/** Where the key is asked for: the server URL when it can be read, else a general word. */
function serverName(services: ExtensionServices): string {
  try {
    return readSettings(services.api).serverUrl;
  } catch (err) {
    if (err instanceof SettingsError) return 'your Switchboard server';
    throw err;
  }
}

/**
 * Switchboard: Set API Key. Asks for the key in a password box and keeps it in VS Code's
 * SecretStorage; an empty answer removes the stored key. Resolves to true when a key was stored.
 */
export async function setApiKey(services: ExtensionServices): Promise<boolean> {
  const { api, keys, log } = services;
  const stored = await keys.get();
  const value = await api.window.showInputBox({
    title: 'Switchboard: Set API Key',
    prompt: `API key for ${serverName(services)}. It is kept in VS Code's secret storage, never in settings. Leave empty to remove the stored key.`,
    placeHolder: stored ? 'A key is stored: enter a new one to replace it' : 'The key you were given',
    password: true,
    ignoreFocusOut: true,
    validateInput: (text) => (/\s/.test(text.trim()) ? 'An API key has no spaces.' : undefined),
  });
  if (value === undefined) return false;
  const key = value.trim();
  if (key === '') {
    if (stored) {
      await keys.delete();
      log.line('API key removed from the secret storage.');
      void api.window.showInformationMessage('Switchboard: API key removed.');
    }
    return false;
  }
  await keys.set(key);
  log.line('API key stored in the secret storage.');
  void api.window.showInformationMessage("Switchboard: API key saved in VS Code's secret storage.");
  return true;
}
