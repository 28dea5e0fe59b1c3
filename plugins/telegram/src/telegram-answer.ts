import { answerNotes, type ChannelRenderer, scoreLines } from '@switchboard/channel';
import type { ClassifyRequest, ClassifyResult } from '@switchboard/core';
import { escapeHtml } from './html-text.js';
import type { ReplyTarget } from './reply-target.js';
import { errorMessage } from './user-messages.js';

/** An answer as Telegram shows it: HTML text. */
export interface TelegramAnswer {
  readonly html: string;
}

/**
 * The answer to a classification: top label and score, every label's score bar in a
 * monospaced block (bars line up on phones too), then model, version and latency.
 */
export function resultHtml(request: ClassifyRequest, result: ClassifyResult): string {
  const first = result.results[0]!;
  return [
    `<b>${escapeHtml(first.top.label)}</b> ${Math.round(first.top.score * 100)}%`,
    `<pre>${escapeHtml(scoreLines(first.labels))}</pre>`,
    `<i>${escapeHtml(answerNotes(request, result).join(' · '))}</i>`,
  ].join('\n');
}

/**
 * How Telegram renders answers. Watched messages get no text here: what happens to them is
 * decided from the flags at delivery (telegram-deliverer.ts).
 */
export const TELEGRAM_RENDERER: ChannelRenderer<ReplyTarget, TelegramAnswer> = {
  result: (request, result, target) => ({ html: target.kind === 'watch' ? '' : resultHtml(request, result) }),
  failure: (_request, error) => ({ html: errorMessage(error) }),
};
