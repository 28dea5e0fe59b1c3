/**
 * A score as a bar of `width` blocks and a whole percentage, e.g. `█████░░░░░ 52%`: readable in
 * any Discord client, including mobile, where tables are not.
 */
export function scoreBar(score: number, width = 10): string {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(score) ? score : 0));
  const filled = Math.round(clamped * width);
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${Math.round(clamped * 100)}%`;
}

/** Label and bar lines, labels padded to one width, highest score first, at most `max` lines. */
export function scoreLines(labels: readonly { label: string; score: number }[], max = 10): string {
  const sorted = [...labels].sort((a, b) => b.score - a.score);
  // Backticks would close the code block the lines are shown in.
  const shown = sorted.slice(0, max).map((l) => ({ ...l, label: l.label.replaceAll('`', "'") }));
  const pad = Math.max(...shown.map((l) => l.label.length));
  const lines = shown.map((l) => `${l.label.padEnd(pad)}  ${scoreBar(l.score)}`);
  if (sorted.length > shown.length) lines.push(`… ${sorted.length - shown.length} more labels`);
  return lines.join('\n');
}
