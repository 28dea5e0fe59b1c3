import type { SecretStorage } from 'vscode';

/** The SecretStorage key the API key is kept under. */
export const API_KEY_SECRET = 'switchboard.apiKey';

/**
 * The API key, kept in VS Code's SecretStorage (the operating system's keychain), never in
 * settings, where it would end up in synced or committed settings files.
 */
export class ApiKeyStore {
  private readonly secrets: SecretStorage;

  constructor(secrets: SecretStorage) {
    this.secrets = secrets;
  }

  /** The stored key, or `undefined` when none is set. */
  async get(): Promise<string | undefined> {
    return (await this.secrets.get(API_KEY_SECRET)) || undefined;
  }

  /** Stores `key`, replacing any earlier one. */
  async set(key: string): Promise<void> {
    await this.secrets.store(API_KEY_SECRET, key);
  }

  /** Forgets the stored key. */
  async delete(): Promise<void> {
    await this.secrets.delete(API_KEY_SECRET);
  }
}
