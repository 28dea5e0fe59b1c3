import {
  MAX_TEXT_CHARS,
  type ModelCatalog,
  type ModelManifest,
  newClassifyRequest,
  requestIdFor,
  SwitchboardError,
} from '@switchboard/core';
import type { Logger } from 'pino';
import { parseRequestText } from './command-text.js';
import { type HelpContext, helpMessage, unknownModelMessage, usageMessage } from './help-message.js';
import {
  failedNotice,
  noTextNotice,
  queuedNotice,
  rateLimitedNotice,
  tooLongNotice,
  unavailableNotice,
} from './notices.js';
import type { QueueLink } from './queue-link.js';
import type { SlackReplyTarget } from './reply-target.js';
import type { SlackMessage } from './slack-message.js';
import { plainText } from './slack-text.js';
import type { UserRateLimiter } from './user-rate-limiter.js';

/** Slack's acknowledgement deadline is 3 s; whatever is not done by this answers "unavailable". */
const INTAKE_DEADLINE_MS = 2_500;

/** One thing a person asked for, from any of the app's entry points. */
export interface IntakeInput {
  /** Slack-encoded text as it arrived (mention tokens of the app already removed). */
  readonly text: string;
  /** `false` for the shortcut: the whole message is the text, its first word is never a model name. */
  readonly parseModel: boolean;
  /** Identifies the Slack event, so a retried delivery of it becomes the same job. */
  readonly eventKey: readonly string[];
  readonly user: { readonly id: string; readonly name?: string; readonly team?: string };
  /** Slack retried this delivery (`X-Slack-Retry-Num`): it was counted against the rate limit already. */
  readonly retry: boolean;
  readonly replyTo: SlackReplyTarget;
}

/** What became of a request: queued (the answer follows later) or answered at once with `message`. */
export interface IntakeOutcome {
  readonly queued: boolean;
  readonly message: SlackMessage;
}

/** Parts the intake works with. */
export interface IntakeParts {
  readonly catalog: ModelCatalog;
  readonly queue: QueueLink;
  readonly limiter: UserRateLimiter;
  readonly help: HelpContext;
  readonly rateLimit: number;
  readonly log: Logger;
}

/**
 * The one path every Slack entry point takes: understand the text, check model, length and rate
 * limit, and enqueue a `deliver` job whose id comes from the Slack event. It never throws: every
 * outcome is a message for the person, and it settles within Slack's acknowledgement deadline.
 */
export class ClassifyIntake {
  constructor(private readonly parts: IntakeParts) {}

  /** Handles one request; see the class comment. */
  async handle(input: IntakeInput): Promise<IntakeOutcome> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<IntakeOutcome>((resolve) => {
      timer = setTimeout(() => {
        this.parts.log.warn({ deadlineMs: INTAKE_DEADLINE_MS }, 'request not queued in time');
        resolve({ queued: false, message: unavailableNotice() });
      }, INTAKE_DEADLINE_MS);
    });
    try {
      return await Promise.race([this.process(input), deadline]);
    } catch (err) {
      this.parts.log.error({ err: (err as Error).message }, 'request could not be queued');
      return { queued: false, message: failedNotice() };
    } finally {
      clearTimeout(timer);
    }
  }

  private async process(input: IntakeInput): Promise<IntakeOutcome> {
    const { help, log } = this.parts;
    const text = plainText(input.text).trim();
    const names = await this.modelNames();
    const parsed = input.parseModel
      ? parseRequestText(text, names ?? [], help.defaultModel)
      : text
        ? ({ kind: 'classify', model: help.defaultModel, text } as const)
        : ({ kind: 'no-text' } as const);
    switch (parsed.kind) {
      case 'help':
        return { queued: false, message: helpMessage(help, await this.models()) };
      case 'empty':
        return { queued: false, message: usageMessage(help, parsed.model) };
      case 'no-text':
        return { queued: false, message: noTextNotice() };
      case 'unknown-model':
        // Without a readable catalog the worker is the judge; it answers through the delivery.
        if (names || !parsed.text)
          return { queued: false, message: unknownModelMessage(parsed.model, names ?? []) };
        return this.enqueue(input, parsed.model, parsed.text);
      case 'classify':
        if (names && !names.includes(parsed.model)) {
          return { queued: false, message: unknownModelMessage(parsed.model, names) };
        }
        if (parsed.text.length > MAX_TEXT_CHARS) {
          log.info({ length: parsed.text.length }, 'text too long');
          return { queued: false, message: tooLongNotice(parsed.text.length) };
        }
        return this.enqueue(input, parsed.model, parsed.text);
    }
  }

  private async enqueue(input: IntakeInput, model: string, text: string): Promise<IntakeOutcome> {
    const { log, limiter, rateLimit } = this.parts;
    const who = `${input.user.team ?? '-'}:${input.user.id}`;
    if (!input.retry) {
      const decision = await limiter.consume(who);
      if (!decision.allowed) {
        log.info({ user: who }, 'rate limited');
        return { queued: false, message: rateLimitedNotice(rateLimit, decision.retryInSeconds) };
      }
    }
    const request = newClassifyRequest({
      id: requestIdFor('slack', input.replyTo.kind, ...input.eventKey),
      model,
      texts: [text],
      channel: 'slack',
      requester: { id: who, ...(input.user.name ? { name: input.user.name } : {}) },
      replyMode: 'deliver',
      replyTo: input.replyTo,
    });
    try {
      const id = await this.parts.queue.get().enqueue(request);
      log.info({ id, model, kind: input.replyTo.kind, retry: input.retry }, 'queued');
      return { queued: true, message: queuedNotice(model) };
    } catch (err) {
      if (err instanceof SwitchboardError && err.code === 'queue_unavailable') {
        log.warn({ err: err.message }, 'job queue unavailable');
        return { queued: false, message: unavailableNotice() };
      }
      throw err;
    }
  }

  /** Model names, or `undefined` when the model folder cannot be read from this process. */
  private async modelNames(): Promise<string[] | undefined> {
    try {
      return await this.parts.catalog.names();
    } catch (err) {
      this.parts.log.warn(
        { err: (err as Error).message },
        'model repository not readable; model names unchecked',
      );
      return undefined;
    }
  }

  private async models(): Promise<ModelManifest[]> {
    try {
      return (await this.parts.catalog.list()).models;
    } catch {
      return [];
    }
  }
}
