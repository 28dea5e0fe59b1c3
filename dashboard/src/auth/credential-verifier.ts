import { createHmac, randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import type { CredentialConfig, Role } from './user-config.js';

/** Who a set of credentials belongs to. */
export interface Identity {
  readonly user: string;
  readonly role: Role;
}

const SCRYPT: ScryptOptions = { N: 16_384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_BYTES = 32;

function scryptAsync(secret: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, KEY_BYTES, SCRYPT, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

interface StoredUser {
  readonly role: Role;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

/**
 * Checks user names, passwords and the admin token. Passwords are kept only as scrypt hashes
 * (salted per user) from the moment the dashboard starts; comparisons are constant-time, and an
 * unknown user name costs the same scrypt run as a known one so timing does not reveal names.
 */
export class CredentialVerifier {
  private readonly users = new Map<string, StoredUser>();
  private readonly tokenKey = randomBytes(32);
  private tokenMac: Buffer | undefined;
  private readonly decoy = { salt: randomBytes(16), hash: randomBytes(KEY_BYTES) };

  private constructor() {}

  /** Hashes the configured passwords; the clear passwords are not kept. */
  static async create(config: CredentialConfig): Promise<CredentialVerifier> {
    const verifier = new CredentialVerifier();
    for (const user of config.users) {
      const salt = randomBytes(16);
      verifier.users.set(user.name, { role: user.role, salt, hash: await scryptAsync(user.password, salt) });
    }
    if (config.token !== undefined) verifier.tokenMac = verifier.mac(config.token);
    return verifier;
  }

  /** The identity of a user name and password, or `undefined`. */
  async verifyPassword(name: string, password: string): Promise<Identity | undefined> {
    const stored = this.users.get(name);
    const candidate = await scryptAsync(password, stored?.salt ?? this.decoy.salt);
    const match = timingSafeEqual(candidate, stored?.hash ?? this.decoy.hash);
    return stored && match ? { user: name, role: stored.role } : undefined;
  }

  /** The identity of the admin token, or `undefined` (also when no token is configured). */
  verifyToken(token: string): Identity | undefined {
    if (!this.tokenMac) return undefined;
    // Comparing HMACs gives equal-length buffers whatever was sent, so the length leaks nothing.
    return timingSafeEqual(this.mac(token), this.tokenMac) ? { user: 'token', role: 'admin' } : undefined;
  }

  private mac(value: string): Buffer {
    return createHmac('sha256', this.tokenKey).update(value).digest();
  }
}
