/** One line of an {@link asciiChart}: a name and one value per sample. */
export interface ChartSeries {
  readonly name: string;
  readonly values: readonly number[];
}

const BARS = '▁▂▃▄▅▆▇█';

/**
 * A compact text chart: one row per series, each sample a bar scaled between the series' own
 * minimum and maximum, followed by those bounds. Wide runs are down-sampled (mean of each column)
 * to `width` columns, so a soak of any length prints in a few lines.
 */
export function asciiChart(series: readonly ChartSeries[], width = 60, unit = ''): string {
  const nameWidth = Math.max(...series.map((s) => s.name.length));
  return series
    .map((s) => {
      const columns = downsample(s.values, width);
      const finite = columns.filter(Number.isFinite);
      const lo = Math.min(...finite);
      const hi = Math.max(...finite);
      const bars = columns
        .map((v) => {
          if (!Number.isFinite(v)) return '·';
          const level = hi === lo ? 4 : Math.round(((v - lo) / (hi - lo)) * (BARS.length - 1));
          return BARS[level];
        })
        .join('');
      return `${s.name.padEnd(nameWidth)} │${bars}│ ${format(lo)}–${format(hi)}${unit}`;
    })
    .join('\n');
}

function downsample(values: readonly number[], width: number): number[] {
  if (values.length <= width) return [...values];
  const out: number[] = [];
  for (let c = 0; c < width; c++) {
    const from = Math.floor((c * values.length) / width);
    const to = Math.floor(((c + 1) * values.length) / width);
    const slice = values.slice(from, Math.max(to, from + 1)).filter(Number.isFinite);
    out.push(slice.length ? slice.reduce((a, b) => a + b, 0) / slice.length : Number.NaN);
  }
  return out;
}

function format(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1);
}
