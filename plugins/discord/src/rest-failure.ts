import { PermanentDeliveryError, RetryLaterError } from '@switchboard/core';
import { DiscordAPIError, RateLimitError } from 'discord.js';

/** Discord's JSON error codes the deliverer reacts to. */
export const DiscordCode = {
  UnknownChannel: 10003,
  UnknownMessage: 10008,
  UnknownWebhook: 10015,
  MissingAccess: 50001,
  CannotMessageUser: 50007,
  MissingPermissions: 50013,
  InvalidWebhookToken: 50027,
} as const;

/** True when Discord answered with this JSON error code. */
export function hasCode(err: unknown, code: number): boolean {
  return err instanceof DiscordAPIError && err.code === code;
}

/**
 * True when an interaction's webhook can no longer be used: its 15-minute token expired (401,
 * Invalid Webhook Token) or Discord no longer knows the webhook or its original message (404).
 */
export function isExpiredInteraction(err: unknown): boolean {
  if (!(err instanceof DiscordAPIError)) return false;
  return (
    err.status === 401 ||
    err.code === DiscordCode.InvalidWebhookToken ||
    err.code === DiscordCode.UnknownWebhook ||
    err.code === DiscordCode.UnknownMessage
  );
}

/**
 * Maps a REST failure to what the delivery queue should do: wait out a rate limit without using an
 * attempt, give up on a request Discord refuses (4xx: retrying cannot change the answer), and retry
 * with backoff on anything else (5xx, timeouts, connection errors).
 */
export function deliveryFailure(err: unknown, what: string): Error {
  if (err instanceof RateLimitError) return new RetryLaterError(Math.max(err.retryAfter, 100));
  if (err instanceof DiscordAPIError && err.status >= 400 && err.status < 500 && err.status !== 408) {
    return new PermanentDeliveryError(
      `Discord refused to ${what}: ${err.status} ${err.message} (code ${err.code})`,
    );
  }
  return err instanceof Error ? err : new Error(String(err));
}
