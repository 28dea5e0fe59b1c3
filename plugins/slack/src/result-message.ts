import { answerNotes, excerpt, scoreBar } from '@switchboard/channel';
import type { ClassifyRequest, ClassifyResult, DeliveryError } from '@switchboard/core';
import type { SlackMessage } from './slack-message.js';
import { escapeSlack } from './slack-text.js';

/** Labels shown with a bar; the rest of a many-label model is left out. */
const BARS_SHOWN = 3;

/**
 * The answer to a classification: the top label, bars for the best labels, the text it was about
 * (so an answer posted in a channel makes sense on its own), model, version and latency.
 */
export function resultMessage(request: ClassifyRequest, result: ClassifyResult): SlackMessage {
  const first = result.results[0];
  if (!first) throw new Error(`result ${result.id} holds no classification`);
  const percent = Math.round(first.top.score * 100);
  const ranked = [...first.labels].sort((a, b) => b.score - a.score).slice(0, BARS_SHOWN);
  const width = Math.max(...ranked.map((l) => l.label.length));
  const bars = ranked.map((l) => `${l.label.padEnd(width)}  ${scoreBar(l.score)}`).join('\n');
  const about = excerpt(request.texts[0] ?? '', 150);
  const context = answerNotes(request, result, { model: (name) => `model \`${name}\`` })
    .map(escapeSlack)
    .join(' · ');
  return {
    text: `${first.top.label} (${percent}%): ${about}`,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `*${escapeSlack(first.top.label)}* (${percent}%)\n>${escapeSlack(about)}`,
        },
      },
      { type: 'section', text: { type: 'mrkdwn', text: `\`\`\`${escapeSlack(bars)}\`\`\`` } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: context }] },
    ],
  };
}

/** A classification that failed, told in the words the worker chose, plus what to do about it. */
export function failureMessage(request: ClassifyRequest, error: DeliveryError): SlackMessage {
  const hint =
    error.code === 'unknown_model' || error.code === 'model_load'
      ? 'Try `help` to see the models that work.'
      : 'Please try again; if it keeps failing, tell whoever runs Switchboard.';
  const text = `:warning: Could not classify "${escapeSlack(excerpt(request.texts[0] ?? '', 80))}": ${escapeSlack(error.message)} ${hint}`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: `model \`${escapeSlack(request.model)}\` · error \`${error.code}\`` },
        ],
      },
    ],
  };
}
