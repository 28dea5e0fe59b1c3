/**
 * A score as a bar of full and empty blocks with a percentage, e.g. `█████░░░░░ 52%`. Scores are
 * rounded to the nearest block, so 0.52 fills 5 of 10 and a tiny non-zero score shows no block.
 */
export function scoreBar(score: number, width = 10): string {
  const clamped = Number.isFinite(score) ? Math.min(1, Math.max(0, score)) : 0;
  const full = Math.round(clamped * width);
  return `${'█'.repeat(full)}${'░'.repeat(width - full)} ${Math.round(clamped * 100)}%`;
}
