/**
 * The channel contract: everything a chat channel (Slack, Discord, ...) declares to Switchboard,
 * in one file. The {@link ChannelRuntime} does the rest, the same way for every channel: the Redis
 * link, enqueueing within the deadline, validation, per-person rate limits, the delivery consumer,
 * env parsing, logging, health, metrics and signals. See docs/channels.md, "Writing a channel".
 *
 * Delivery semantics, in short: a handler that returns has delivered; one that throws
 * {@link RetryLaterError} is retried after the platform's own wait (a rate-limit hint: no attempt
 * is used up); one that throws {@link PermanentDeliveryError} gives up at once; any other error is
 * retried with exponential backoff. Deliveries are at least once: a delivery may be handed over
 * again after a crash, so a handler posts what it can post twice without harm.
 */
import type { ClassifyRequest, ClassifyResult, DeliveryError } from '@switchboard/core';
import { PermanentDeliveryError, RetryLaterError } from '@switchboard/core';
import type { z } from 'zod';
import type { ChannelRuntime } from './channel-runtime.js';

export { PermanentDeliveryError, RetryLaterError };

/**
 * Where a channel's answer goes, carried inside the job (so any copy of the service can deliver
 * it, even after a restart). Fields named in `secretFields` are credentials: they are stored, but
 * the dashboard shows them redacted and logs never print them.
 */
export interface ReplyTargetSpec<Target extends Record<string, unknown>> {
  /** Validates the target read back from a delivery; a target that does not parse fails for good. */
  readonly schema: z.ZodType<Target>;
  /** Names of the fields that must never be shown (`response_url`, `interactionToken`...). */
  readonly secretFields: readonly string[];
}

/** A finished request handed back to the channel that asked, with its reply target parsed. */
export interface ChannelDelivery<Target> {
  readonly request: ClassifyRequest;
  readonly outcome:
    | { readonly ok: true; readonly result: ClassifyResult }
    | { readonly ok: false; readonly error: DeliveryError };
  readonly target: Target;
  /** 1 for the first try. */
  readonly attempt: number;
}

/** How a channel shows an answer on its platform: its message type is its own. */
export interface ChannelRenderer<Target, Message> {
  /** The message for a classification that succeeded. */
  result(request: ClassifyRequest, result: ClassifyResult, target: Target): Message;
  /** The message for one that failed, in the words the worker chose. */
  failure(request: ClassifyRequest, error: DeliveryError, target: Target): Message;
}

/** What a started ingress reports for the stack's ready message. */
export interface IngressInfo {
  /** Where the platform reaches this service, when it listens (e.g. Slack's events URL). */
  readonly url?: string;
  /** A line for the person starting the stack. */
  readonly detail: string;
  /** Extra fields for the ready message. */
  readonly [key: string]: unknown;
}

/**
 * How requests arrive from the platform: a Bolt receiver, a gateway client, a webhook route.
 * It turns each platform event into {@link ChannelRuntime.submit} calls and tells the person
 * what became of them.
 */
export interface ChannelIngress {
  /** Starts taking events; may throw (a refused token), which stops the service with a clear error. */
  start(): Promise<IngressInfo>;
  /** Stops taking events. Called once, before the runtime drains what is in flight. */
  stop(): Promise<void>;
}

/** A channel: the one thing a new channel package writes. */
export interface ChannelAdapter<Target extends Record<string, unknown>, Message> {
  /** Lower-case name: the `channel` of its jobs, its delivery queue `deliver-<name>`, its metrics label. */
  readonly name: string;
  /** The shape of its reply targets and which of their fields are secret. */
  readonly replyTarget: ReplyTargetSpec<Target>;
  /** How an answer looks on the platform. */
  readonly render: ChannelRenderer<Target, Message>;
  /**
   * Posts a rendered answer. Throws {@link RetryLaterError} with the platform's `Retry-After`
   * (rate limits), {@link PermanentDeliveryError} when retrying cannot help, anything else to retry.
   */
  deliver(message: Message, delivery: ChannelDelivery<Target>): Promise<void>;
  /** Builds the ingress once the runtime exists (the ingress submits through it). */
  ingress(runtime: ChannelRuntime<Target>): ChannelIngress;
}
