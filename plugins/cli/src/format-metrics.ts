import type { ClassificationMetrics } from '@switchboard/train';

/** Left-aligned first column, right-aligned others, two spaces apart. */
function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r) =>
      r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '),
    )
    .map((line) => line.trimEnd())
    .join('\n');
}

const fixed = (x: number) => x.toFixed(4);

/**
 * Evaluation figures as readable tables: accuracy and macro-F1, precision/recall/F1/support per
 * label, and the confusion matrix (rows are the gold labels, columns the predicted ones).
 */
export function formatMetrics(m: ClassificationMetrics): string {
  const summary = table([
    ['examples', String(m.examples)],
    ['accuracy', fixed(m.accuracy)],
    ['macro-F1', fixed(m.macroF1)],
  ]);
  const perLabel = table([
    ['label', 'precision', 'recall', 'f1', 'support'],
    ...m.labels.map((label) => {
      const v = m.perLabel[label]!;
      return [label, fixed(v.precision), fixed(v.recall), fixed(v.f1), String(v.support)];
    }),
  ]);
  const confusion = table([
    ['gold \\ predicted', ...m.labels],
    ...m.labels.map((label, g) => [label, ...m.confusion[g]!.map(String)]),
  ]);
  return `${summary}\n\n${perLabel}\n\nconfusion matrix (rows: gold label, columns: predicted label)\n${confusion}\n`;
}
