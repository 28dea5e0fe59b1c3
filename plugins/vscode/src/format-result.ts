import type { TextResult } from '@switchboard/client';

/** Labels shown per text at most: the top one and the runners-up people may care about. */
const SHOWN_LABELS = 3;

/** A probability as a whole percentage, e.g. `93%`. */
export function percent(score: number): string {
  return `${Math.round(score * 100)}%`;
}

/**
 * The top labels of one result, e.g. `positive 93% · negative 7%`: the top label always, then up
 * to two more that round to at least 1%.
 */
export function formatScores(result: TextResult): string {
  const [top, ...rest] = result.labels.length > 0 ? result.labels : [result.top];
  const shown = [top!, ...rest.filter((l) => Math.round(l.score * 100) >= 1).slice(0, SHOWN_LABELS - 1)];
  return shown.map((l) => `${l.label} ${percent(l.score)}`).join(' · ');
}

/** How many texts got each top label, most frequent first, e.g. `positive 2 · negative 1`. */
export function summarizeTopLabels(results: readonly TextResult[]): string {
  const counts = new Map<string, number>();
  for (const r of results) counts.set(r.top.label, (counts.get(r.top.label) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([label, n]) => `${label} ${n}`)
    .join(' · ');
}

/** The start of a text on one line, quoted, for the log: `"the weather was…"`. */
export function excerpt(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return `"${flat.length > max ? `${flat.slice(0, max - 1)}…` : flat}"`;
}
