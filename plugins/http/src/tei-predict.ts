import { MAX_TEXT_CHARS, MAX_TEXTS_PER_REQUEST, type TextResult, unreadableText } from '@switchboard/core';
import { HttpError } from './http-error.js';

/** One label's score as Text Embeddings Inference writes it. */
export interface Prediction {
  score: number;
  label: string;
}

/** The texts of a `/predict` request, and whether the answer is a batch (list of lists). */
export interface PredictInputs {
  readonly texts: string[];
  readonly batch: boolean;
}

const PAIRS_UNSUPPORTED =
  'is a sentence pair; Switchboard models classify one text at a time. Send ["text"] or [["text 1"], ["text 2"]].';

// Statuses as TEI 1.9+ answers: an empty input is `Empty` (400), anything else it refuses is
// `Validation` (422), a batch over its maximum included.
function check(text: string, field: string): string {
  if (text.length > MAX_TEXT_CHARS) {
    throw new HttpError(
      422,
      'invalid_input',
      `Input validation error: \`${field}\` is longer than ${MAX_TEXT_CHARS} characters`,
    );
  }
  const problem = unreadableText(text);
  if (problem === 'is empty') {
    throw new HttpError(400, 'invalid_input', `Input validation error: \`${field}\` cannot be empty`);
  }
  if (problem) throw new HttpError(422, 'invalid_input', `Input validation error: \`${field}\` ${problem}`);
  return text;
}

function sequence(value: readonly string[], field: string): string {
  if (value.length === 2) throw new HttpError(422, 'invalid_input', `${field} ${PAIRS_UNSUPPORTED}`);
  if (value.length !== 1) {
    throw new HttpError(422, 'invalid_input', `${field} must hold one text (TEI also allows a pair of two)`);
  }
  return check(value[0]!, `${field}[0]`);
}

/**
 * Reads TEI's `inputs` the way TEI does: a string or `[string]` is one input (answered with a
 * list), `[[string], [string], ...]` is a batch (answered with a list of lists). `[a, b]` and
 * `[[a, b]]` are sentence pairs, which TEI feeds to cross-encoders; Switchboard refuses them with 422.
 */
export function parsePredictInputs(inputs: string | string[] | string[][]): PredictInputs {
  if (typeof inputs === 'string') return { texts: [check(inputs, 'inputs')], batch: false };
  if (inputs.every((x) => typeof x === 'string')) {
    return { texts: [sequence(inputs as string[], 'inputs')], batch: false };
  }
  const batch = inputs as string[][];
  if (batch.length > MAX_TEXTS_PER_REQUEST) {
    throw new HttpError(
      422,
      'invalid_input',
      `batch size ${batch.length} > maximum allowed batch size ${MAX_TEXTS_PER_REQUEST}`,
    );
  }
  return { texts: batch.map((s, i) => sequence(s, `inputs[${i}]`)), batch: true };
}

// exp(-745) is below the smallest double: a probability that rounded to 0 or 1 maps to this bound.
const SCORE_BOUND = 745;

function clamp(x: number): number {
  return Math.min(SCORE_BOUND, Math.max(-SCORE_BOUND, x));
}

/**
 * The stand-in for TEI's raw logits, computed from a probability. Multi-label (sigmoid) models: the
 * logit itself, log(p / (1 - p)). Single-label (softmax) models: log p, which is the logit minus the
 * text's log-sum-exp, so order, differences between labels and the softmax are those of the logits.
 */
export function rawScore(probability: number, multiLabel: boolean): number {
  return clamp(multiLabel ? Math.log(probability) - Math.log1p(-probability) : Math.log(probability));
}

/** One text's answer in TEI's shape: every label, highest score first. */
export function toPredictions(result: TextResult, rawScores: boolean, multiLabel: boolean): Prediction[] {
  // Core results are already sorted by probability; both raw transforms keep that order.
  return result.labels.map(({ label, score }) => ({
    score: rawScores ? rawScore(score, multiLabel) : score,
    label,
  }));
}
