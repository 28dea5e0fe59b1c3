import { createHash, timingSafeEqual } from 'node:crypto';

/** Shortest key accepted: shorter ones are guessable. */
export const MIN_API_KEY_CHARS = 16;

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

interface StoredKey {
  readonly name: string;
  readonly digest: Buffer;
  /** The key's own `whsec_...` webhook signing secret, when configured. */
  readonly webhookSecret: string | undefined;
}

// A webhook secret is appended to its key entry: `name:key:whsec_<base64>`.
const WEBHOOK_SECRET_SUFFIX = /^(.*):(whsec_[A-Za-z0-9+/=]+)$/;

function digest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/**
 * The bearer keys the API accepts. Keys are kept only as SHA-256 digests and compared in constant
 * time against every stored digest, so neither timing nor a memory dump of the config reveals them.
 * Each key has a name (given, or derived from the key's digest) that identifies the caller in rate
 * limits, job ownership and logs; the key itself is never logged.
 */
export class ApiKeyring {
  private readonly keys: readonly StoredKey[];

  private constructor(keys: readonly StoredKey[]) {
    this.keys = keys;
  }

  /**
   * Parses `HTTP_API_KEYS`: comma-separated entries, each `key` or `name:key`. A key that itself
   * contains `:` must be given with a name. An entry may end with `:whsec_<base64>`: that key's own
   * webhook signing secret (used instead of `HTTP_WEBHOOK_SECRET` for its callbacks). Throws an
   * Error saying which entry is wrong.
   */
  static parse(spec: string | undefined): ApiKeyring {
    const keys: StoredKey[] = [];
    const entries = (spec ?? '')
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean);
    entries.forEach((full, i) => {
      const withSecret = WEBHOOK_SECRET_SUFFIX.exec(full);
      const entry = withSecret ? withSecret[1]! : full;
      const webhookSecret = withSecret?.[2];
      const colon = entry.indexOf(':');
      const named = colon > 0 && NAME.test(entry.slice(0, colon));
      const key = named ? entry.slice(colon + 1) : entry;
      const where = named ? `entry "${entry.slice(0, colon)}"` : `entry ${i + 1}`;
      if (key.length < MIN_API_KEY_CHARS) {
        throw new Error(
          `HTTP_API_KEYS ${where}: a key needs at least ${MIN_API_KEY_CHARS} characters (generate one with: openssl rand -hex 24)`,
        );
      }
      if (/\s/.test(key)) throw new Error(`HTTP_API_KEYS ${where}: a key may not contain spaces`);
      const keyDigest = digest(key);
      const name = named ? entry.slice(0, colon) : `key-${keyDigest.toString('hex').slice(0, 8)}`;
      if (keys.some((k) => k.digest.equals(keyDigest)))
        throw new Error(`HTTP_API_KEYS ${where}: duplicate key`);
      if (keys.some((k) => k.name === name))
        throw new Error(`HTTP_API_KEYS: the name "${name}" is used twice`);
      keys.push({ name, digest: keyDigest, webhookSecret });
    });
    return new ApiKeyring(keys);
  }

  /** Number of keys configured. */
  get size(): number {
    return this.keys.length;
  }

  /** Names of the configured keys (never the keys). */
  get names(): string[] {
    return this.keys.map((k) => k.name);
  }

  /** The webhook signing secret configured for the key named `name`, if it has its own. */
  webhookSecretOf(name: string): string | undefined {
    return this.keys.find((k) => k.name === name)?.webhookSecret;
  }

  /** The name of the key `presented` matches, or `undefined`. Takes the same time for any input. */
  verify(presented: string): string | undefined {
    const candidate = digest(presented);
    let match: string | undefined;
    // No early exit: every digest is compared, so the time does not tell which key came close.
    for (const key of this.keys) {
      if (timingSafeEqual(candidate, key.digest) && match === undefined) match = key.name;
    }
    return match;
  }
}
