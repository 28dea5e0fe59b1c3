import { Webhook } from 'standardwebhooks';

const SECRET = /^whsec_[A-Za-z0-9+/]+={0,2}$/;

/**
 * Checks a Standard Webhooks secret (`whsec_` + base64 of at least 24 bytes) and builds its signer.
 * @throws Error naming `where`, never printing the secret
 */
export function webhookSigner(secret: string, where: string): Webhook {
  if (!SECRET.test(secret) || Buffer.from(secret.slice('whsec_'.length), 'base64').length < 24) {
    throw new Error(
      `${where}: a webhook secret is "whsec_" followed by base64 of 24 or more random bytes (generate one with: echo whsec_$(openssl rand -base64 32))`,
    );
  }
  return new Webhook(secret);
}

/** Where callbacks' signing secrets come from. */
export interface WebhookSecretsOptions {
  /** `HTTP_WEBHOOK_SECRET`: signs callbacks of every key without its own; empty for none. */
  readonly defaultSecret: string;
  /** A key's own secret (configured in `HTTP_API_KEYS`), by key name. */
  readonly secretOf: (caller: string) => string | undefined;
  /** Names of the configured keys, so every secret is checked at start-up. */
  readonly callers: readonly string[];
}

/**
 * The signers of webhook deliveries: an API key's own secret when it has one, else
 * `HTTP_WEBHOOK_SECRET`. Every secret is checked when the server starts.
 */
export class WebhookSecrets {
  private readonly fallback: Webhook | undefined;
  private readonly own = new Map<string, Webhook>();

  /** @throws Error for a malformed secret */
  constructor(options: WebhookSecretsOptions) {
    this.fallback = options.defaultSecret
      ? webhookSigner(options.defaultSecret, 'HTTP_WEBHOOK_SECRET')
      : undefined;
    for (const caller of options.callers) {
      const secret = options.secretOf(caller);
      if (secret) this.own.set(caller, webhookSigner(secret, `HTTP_API_KEYS entry "${caller}"`));
    }
  }

  /** Whether any callback can be signed at all. */
  get any(): boolean {
    return this.fallback !== undefined || this.own.size > 0;
  }

  /** The signer for `caller`'s callbacks, or undefined when none is configured for it. */
  signerFor(caller: string): Webhook | undefined {
    return this.own.get(caller) ?? this.fallback;
  }
}
