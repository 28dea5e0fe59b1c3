import type { ClassifyRequest, ClassifyResult } from '@switchboard/core';

/** Milliseconds for people: `0.4 ms`, `38 ms`, `2.1 s`. */
export function formatMs(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1_000).toFixed(1)} s`;
}

/** From the moment the person asked to the moment the worker finished, in ms (never negative). */
export function latencyMs(request: ClassifyRequest, result: ClassifyResult): number {
  return Math.max(0, result.finishedAt - request.createdAt);
}

/** The note every chat answer carries when its text was cut to the model's input limit. */
export const TRUNCATION_NOTE = "text cut to the model's input limit";

/**
 * The small print under an answer: model and version, latency (and inference time when asked),
 * and the truncation note when the text was cut. Each channel joins and styles them its own way.
 */
export function answerNotes(
  request: ClassifyRequest,
  result: ClassifyResult,
  options: { readonly inference?: boolean; readonly model?: (name: string) => string } = {},
): string[] {
  const latency = formatMs(latencyMs(request, result));
  const model = options.model ?? ((n: string) => n);
  return [
    `${model(result.model)} v${result.version}`,
    options.inference ? `${latency} (inference ${formatMs(result.inferenceMs)})` : latency,
    ...(result.results[0]?.truncated ? [TRUNCATION_NOTE] : []),
  ];
}
