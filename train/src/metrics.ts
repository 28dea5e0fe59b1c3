/** Precision, recall and F1 of one label, with its number of gold examples. */
export interface LabelMetrics {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Gold examples of this label. */
  readonly support: number;
}

/** How a classifier did on a labelled set. */
export interface ClassificationMetrics {
  /** Labels in the order of the confusion matrix rows and columns. */
  readonly labels: readonly string[];
  readonly examples: number;
  readonly accuracy: number;
  /** Unweighted mean of the per-label F1 over labels that occur in gold or predictions. */
  readonly macroF1: number;
  readonly perLabel: Readonly<Record<string, LabelMetrics>>;
  /** `confusion[gold][predicted]` counts, indexed like `labels`. */
  readonly confusion: readonly (readonly number[])[];
}

/**
 * Computes accuracy, macro-F1, per-label figures and the confusion matrix from gold and predicted
 * label indices (into `labels`). A label with no prediction has precision 0; one with no gold
 * example has recall 0; F1 is 0 when precision and recall both are. Labels that appear neither in
 * gold nor in predictions are left out of the macro average, so evaluating a model on data that
 * lacks one of its labels does not punish it for that.
 */
export function computeMetrics(
  labels: readonly string[],
  gold: ArrayLike<number>,
  predicted: ArrayLike<number>,
): ClassificationMetrics {
  if (gold.length !== predicted.length) {
    throw new RangeError(`gold has ${gold.length} labels but predictions ${predicted.length}`);
  }
  const k = labels.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  for (let i = 0; i < gold.length; i++) {
    const g = gold[i]!;
    const p = predicted[i]!;
    if (!(g >= 0 && g < k && p >= 0 && p < k)) throw new RangeError(`label index out of range at ${i}`);
    confusion[g]![p]!++;
    if (g === p) correct++;
  }
  const perLabel: Record<string, LabelMetrics> = {};
  let f1Sum = 0;
  let present = 0;
  for (let c = 0; c < k; c++) {
    const tp = confusion[c]![c]!;
    const support = confusion[c]!.reduce((a, b) => a + b, 0);
    let predictedCount = 0;
    for (let r = 0; r < k; r++) predictedCount += confusion[r]![c]!;
    const precision = predictedCount > 0 ? tp / predictedCount : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    perLabel[labels[c]!] = { precision, recall, f1, support };
    if (support > 0 || predictedCount > 0) {
      f1Sum += f1;
      present++;
    }
  }
  return {
    labels: [...labels],
    examples: gold.length,
    accuracy: gold.length > 0 ? correct / gold.length : 0,
    macroF1: present > 0 ? f1Sum / present : 0,
    perLabel,
    confusion,
  };
}
