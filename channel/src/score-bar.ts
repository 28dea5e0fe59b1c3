/**
 * A score as a bar of full and empty blocks with a whole percentage, e.g. `█████░░░░░ 52%`:
 * readable in any chat client, mobile included, where tables are not. Scores are rounded to the
 * nearest block, so 0.52 fills 5 of 10 and a tiny non-zero score shows no block.
 */
export function scoreBar(score: number, width = 10): string {
  const clamped = Number.isFinite(score) ? Math.min(1, Math.max(0, score)) : 0;
  const full = Math.round(clamped * width);
  return `${'█'.repeat(full)}${'░'.repeat(width - full)} ${Math.round(clamped * 100)}%`;
}

/**
 * Label and bar lines, labels padded to one width, highest score first, at most `max` lines and a
 * last line counting the labels left out. Backticks in labels become quotes: the lines are shown
 * inside a code block, which a backtick would close.
 */
export function scoreLines(labels: readonly { label: string; score: number }[], max = 10): string {
  const sorted = [...labels].sort((a, b) => b.score - a.score);
  const shown = sorted.slice(0, max).map((l) => ({ ...l, label: l.label.replaceAll('`', "'") }));
  const pad = Math.max(...shown.map((l) => l.label.length));
  const lines = shown.map((l) => `${l.label.padEnd(pad)}  ${scoreBar(l.score)}`);
  if (sorted.length > shown.length) lines.push(`… ${sorted.length - shown.length} more labels`);
  return lines.join('\n');
}
