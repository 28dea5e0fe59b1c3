import { HttpError } from '../http-error.js';
import { type CallbackPolicy, CallbackRefusedError } from './callback-policy.js';
import type { WebhookSecrets } from './webhook-secrets.js';

/**
 * Admits a request's `callback_url` before anything is queued: the server must be able to sign
 * the caller's deliveries, and the URL must pass the SSRF policy now (it is checked again, and
 * connected to by its checked address, at every delivery).
 */
export class CallbackGuard {
  constructor(
    private readonly policy: CallbackPolicy,
    private readonly secrets: WebhookSecrets,
  ) {}

  /** @throws HttpError 422 `callback_not_allowed` saying why */
  async admit(raw: string, caller: string): Promise<void> {
    if (!this.secrets.signerFor(caller)) {
      throw new HttpError(
        422,
        'callback_not_allowed',
        'This server cannot sign callbacks for your API key: its operator has to set HTTP_WEBHOOK_SECRET (or a secret for your key in HTTP_API_KEYS). Omit callback_url and poll the job instead.',
      );
    }
    try {
      await this.policy.check(raw);
    } catch (err) {
      if (err instanceof CallbackRefusedError) throw new HttpError(422, 'callback_not_allowed', err.message);
      throw err;
    }
  }
}
