import type { ChannelRuntime } from '@switchboard/channel';
import type { ModelCatalog, ModelManifest } from '@switchboard/core';
import type { Logger } from 'pino';
import { parseRequestText } from './command-text.js';
import { type HelpContext, helpMessage, unknownModelMessage, usageMessage } from './help-message.js';
import { noTextNotice, queuedNotice, refusalNotice } from './notices.js';
import type { SlackReplyTarget } from './reply-target.js';
import type { SlackMessage } from './slack-message.js';
import { plainText } from './slack-text.js';

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
  readonly runtime: ChannelRuntime<SlackReplyTarget>;
  readonly help: HelpContext;
  readonly log: Logger;
}

/**
 * The one path every Slack entry point takes: understand the text (help, usage, model names),
 * then hand it to the channel runtime, which validates, rate-limits and enqueues it within
 * Slack's acknowledgement deadline. It never throws: every outcome is a message for the person.
 */
export class ClassifyIntake {
  constructor(private readonly parts: IntakeParts) {}

  /** Handles one request; see the class comment. */
  async handle(input: IntakeInput): Promise<IntakeOutcome> {
    const receivedAt = Date.now();
    const { help } = this.parts;
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
        return this.submit(input, parsed.model, parsed.text, receivedAt);
      case 'classify':
        if (names && !names.includes(parsed.model)) {
          return { queued: false, message: unknownModelMessage(parsed.model, names) };
        }
        return this.submit(input, parsed.model, parsed.text, receivedAt);
    }
  }

  private async submit(
    input: IntakeInput,
    model: string,
    text: string,
    receivedAt: number,
  ): Promise<IntakeOutcome> {
    const who = `${input.user.team ?? '-'}:${input.user.id}`;
    const outcome = await this.parts.runtime.submit({
      eventKey: [input.replyTo.kind, ...input.eventKey],
      model,
      text,
      requester: { id: who, ...(input.user.name ? { name: input.user.name } : {}) },
      replyTo: input.replyTo,
      rateLimited: !input.retry,
      receivedAt,
    });
    return outcome.queued
      ? { queued: true, message: queuedNotice(model) }
      : { queued: false, message: refusalNotice(outcome) };
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
