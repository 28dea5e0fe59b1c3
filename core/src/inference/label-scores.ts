/** One label and its probability. */
export interface LabelScore {
  readonly label: string;
  readonly score: number;
}

/** The classification of one text. */
export interface TextClassification {
  /** Every label, highest score first. */
  readonly labels: readonly LabelScore[];
  /** The highest-scoring label. */
  readonly top: LabelScore;
  /** True when the text was cut to the model's maximum length. */
  readonly truncated: boolean;
}

/** Turns one row of logits into ranked label scores (softmax, or sigmoid for multi-label models). */
export function scoreLogits(
  logits: ArrayLike<number>,
  offset: number,
  labels: readonly string[],
  multiLabel: boolean,
): LabelScore[] {
  const n = labels.length;
  const scores = new Array<number>(n);
  if (multiLabel) {
    for (let i = 0; i < n; i++) scores[i] = 1 / (1 + Math.exp(-logits[offset + i]!));
  } else {
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) max = Math.max(max, logits[offset + i]!);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      scores[i] = Math.exp(logits[offset + i]! - max);
      sum += scores[i]!;
    }
    for (let i = 0; i < n; i++) scores[i] = scores[i]! / sum;
  }
  const ranked = labels.map((label, i) => ({ label, score: scores[i]! }));
  // Stable on ties, so equal scores keep label order and results are reproducible.
  ranked.sort((a, b) => b.score - a.score);
  return ranked;
}
