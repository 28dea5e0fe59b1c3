import type { ClassifyRequest, ClassifyResult } from '@switchboard/core';
import type { APIEmbed } from 'discord.js';
import { scoreLines } from './score-bar.js';
import { excerpt } from './text-excerpt.js';

/** Discord's blurple: results are information, not alerts. */
const RESULT_COLOR = 0x5865f2;

/** Milliseconds for people: `0.4 ms`, `38 ms`, `2.1 s`. */
export function formatMs(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1_000).toFixed(1)} s`;
}

/**
 * The answer to a classification as an embed: top label as title, every label's score as a bar,
 * the text that was classified, and model, version and latency in the footer. Latency is measured
 * from the moment the request was made to the moment the worker finished it.
 */
export function resultEmbed(request: ClassifyRequest, result: ClassifyResult): APIEmbed {
  const first = result.results[0]!;
  const latency = Math.max(0, result.finishedAt - request.createdAt);
  const footer = [
    `${result.model} v${result.version}`,
    `${formatMs(latency)} (inference ${formatMs(result.inferenceMs)})`,
    ...(first.truncated ? ['text truncated to the model’s input limit'] : []),
  ].join(' · ');
  return {
    title: `${first.top.label} (${Math.round(first.top.score * 100)}%)`.slice(0, 256),
    description: `\`\`\`\n${scoreLines(first.labels)}\n\`\`\``,
    fields: [{ name: 'Text', value: excerpt(request.texts[0] ?? '', 300) || '—' }],
    footer: { text: footer },
    color: RESULT_COLOR,
  };
}
