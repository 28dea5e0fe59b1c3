import { answerNotes, excerpt, scoreLines } from '@switchboard/channel';
import type { ClassifyRequest, ClassifyResult } from '@switchboard/core';
import type { APIEmbed } from 'discord.js';

/** Discord's blurple: results are information, not alerts. */
const RESULT_COLOR = 0x5865f2;

/**
 * The answer to a classification as an embed: top label as title, every label's score as a bar,
 * the text that was classified, and model, version, latency (from the moment the request was made
 * to the moment the worker finished it) and inference time in the footer.
 */
export function resultEmbed(request: ClassifyRequest, result: ClassifyResult): APIEmbed {
  const first = result.results[0]!;
  return {
    title: `${first.top.label} (${Math.round(first.top.score * 100)}%)`.slice(0, 256),
    description: `\`\`\`\n${scoreLines(first.labels)}\n\`\`\``,
    fields: [{ name: 'Text', value: excerpt(request.texts[0] ?? '', 300) || '—' }],
    footer: { text: answerNotes(request, result, { inference: true }).join(' · ') },
    color: RESULT_COLOR,
  };
}
