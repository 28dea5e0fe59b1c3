import type { TextClassification } from '@switchboard/core';

/** One line of `classify --json` output (JSON Lines: one object per text, in input order). */
export interface ClassifyJsonLine {
  /** The text as classified (line endings removed). */
  readonly text: string;
  /** Top label. */
  readonly label: string;
  /** Its probability, 0..1. */
  readonly score: number;
  /** Every label with its probability, highest first (the top label included). */
  readonly labels: readonly { readonly label: string; readonly score: number }[];
  /** True when the text was longer than the model reads and only its start was classified. */
  readonly truncated: boolean;
  /** Model name. */
  readonly model: string;
  /** Model version. */
  readonly version: string;
}

/** Builds the `--json` object of one text. */
export function toJsonLine(
  text: string,
  result: TextClassification,
  model: string,
  version: string,
): ClassifyJsonLine {
  return {
    text,
    label: result.top.label,
    score: result.top.score,
    labels: result.labels.map(({ label, score }) => ({ label, score })),
    truncated: result.truncated,
    model,
    version,
  };
}

const MAX_OTHERS = 4;
const SNIPPET_CHARS = 60;
const TRUNCATED = '(truncated)';

/**
 * Formats results for a person: `positive 0.93  (neutral 0.05, negative 0.02)`, then
 * `(truncated)` when the model read only the start of the text. With `showText` (several texts),
 * columns are padded and each line ends with the start of its text, so lines can be matched to input.
 */
export function createHumanFormatter(
  labels: readonly string[],
  showText: boolean,
): (text: string, result: TextClassification) => string {
  const labelWidth = Math.max(...labels.map((l) => l.length));
  const othersWidth = showText ? widestOthers(labels) : 0;
  return (text, result) => {
    const parts = [`${result.top.label.padEnd(labelWidth)} ${score(result.top.score)}`];
    const others = formatOthers(result);
    if (others.length > 0 || othersWidth > 0) parts.push(others.padEnd(othersWidth));
    if (showText) {
      parts.push((result.truncated ? TRUNCATED : '').padEnd(TRUNCATED.length));
      parts.push(`"${snippet(text)}"`);
    } else if (result.truncated) {
      parts.push(TRUNCATED);
    }
    return parts.join('  ').trimEnd();
  };
}

function formatOthers(result: TextClassification): string {
  const rest = result.labels.slice(1);
  if (rest.length === 0) return '';
  const shown = rest.slice(0, MAX_OTHERS).map((s) => `${s.label} ${score(s.score)}`);
  if (rest.length > MAX_OTHERS) shown.push(`+${rest.length - MAX_OTHERS} more`);
  return `(${shown.join(', ')})`;
}

// The widest "(a 0.10, b 0.05, ...)" any result can produce, so the text column lines up.
function widestOthers(labels: readonly string[]): number {
  const rest = labels.length - 1;
  if (rest === 0) return 0;
  const k = Math.min(rest, MAX_OTHERS);
  const longest = labels
    .map((l) => l.length)
    .sort((a, b) => b - a)
    .slice(0, k);
  const items = longest.reduce((sum, n) => sum + n + 5, 0) + (k - 1) * 2;
  const more = rest > MAX_OTHERS ? `, +${rest - MAX_OTHERS} more`.length : 0;
  return items + more + 2;
}

function score(value: number): string {
  return value.toFixed(2);
}

function snippet(text: string): string {
  // Control characters (tabs, terminal escape sequences) must not reach the terminal as such.
  const flat = text
    .replace(/\p{Cc}/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = Array.from(flat);
  return chars.length > SNIPPET_CHARS ? `${chars.slice(0, SNIPPET_CHARS - 1).join('')}…` : flat;
}
