import type { ReportRow } from './channel-report.js';

const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);
const ms = (x: number | null) => (x === null ? '-' : `${Math.round(x)} ms`);
const interval = (r: ReportRow) =>
  r.agreement === null ? '-' : `${pct(r.agreement)} (${pct(r.agreement_low)}–${pct(r.agreement_high)})`;

/** The report as Markdown: one table, then corrections and recommendations per row. */
export function reportMarkdown(rows: readonly ReportRow[], window: string): string {
  const lines = [
    `# Channel report (${window})`,
    '',
    '| channel | model | version | asked | answered | availability | p50 | p95 | rated | agreement (95% CI) |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---|',
    ...rows.map(
      (r) =>
        `| ${r.channel} | ${r.model} | ${r.version} | ${r.asked} | ${r.answered} | ${pct(r.availability)} | ${ms(r.time_to_answer_p50_ms)} | ${ms(r.time_to_answer_p95_ms)} | ${r.rated} | ${interval(r)} |`,
    ),
  ];
  for (const r of rows) {
    const failures = Object.entries(r.failures);
    if (r.confusion.length === 0 && r.recommendations.length === 0 && failures.length === 0) continue;
    lines.push('', `## ${r.channel} · ${r.model}@${r.version}`);
    if (failures.length) lines.push('', `Failures: ${failures.map(([c, n]) => `${c} ${n}`).join(', ')}`);
    if (r.confusion.length) {
      lines.push('', '| predicted | corrected to | count |', '|---|---|---:|');
      for (const c of r.confusion) lines.push(`| ${c.predicted} | ${c.label} | ${c.count} |`);
    }
    if (r.recommendations.length) lines.push('', ...r.recommendations.map((t) => `- ${t}`));
  }
  return `${lines.join('\n')}\n`;
}

/** The report as an aligned text table, recommendations below. */
export function reportTable(rows: readonly ReportRow[], window: string): string {
  if (rows.length === 0) return `No finished jobs and no feedback in the window (${window}).\n`;
  const head = [
    'CHANNEL',
    'MODEL',
    'VERSION',
    'ASKED',
    'ANSWERED',
    'AVAIL',
    'P50',
    'P95',
    'RATED',
    'AGREEMENT',
  ];
  const body = rows.map((r) => [
    r.channel,
    r.model,
    r.version,
    String(r.asked),
    String(r.answered),
    pct(r.availability),
    ms(r.time_to_answer_p50_ms),
    ms(r.time_to_answer_p95_ms),
    String(r.rated),
    interval(r),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const recs = rows.flatMap((r) => r.recommendations);
  return `${[line(head), ...body.map(line)].join('\n')}\n${recs.length ? `\n${recs.map((t) => `- ${t}`).join('\n')}\n` : ''}`;
}
