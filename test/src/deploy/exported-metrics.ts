import { collectDefaultMetrics, Registry } from 'prom-client';
import { readRepoFile, sourceFiles } from './repo-files.js';

/** The packages whose processes Prometheus scrapes (Slack and Discord serve no /metrics). */
export const METRIC_PACKAGES = ['worker', 'plugins/http', 'dashboard'];

/** Node's default metrics, as prom-client names them without a prefix. */
export async function defaultMetricNames(): Promise<string[]> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const names = (await registry.getMetricsAsJSON()).map((metric) => metric.name);
  registry.clear();
  return names;
}

/** The `prefix` each `collectDefaultMetrics({...})` call in `text` passes ('' for none). */
export function defaultMetricPrefixes(text: string): string[] {
  return [...text.matchAll(/collectDefaultMetrics\(\{([^}]*)\}\)/g)].map(
    (m) => /prefix:\s*'([^']*)'/.exec(m[1]!)?.[1] ?? '',
  );
}

const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'];

/**
 * Every metric name the services really export, read from their sources: the names given to
 * prom-client metrics (`name: 'switchboard_…'`), plus prom-client's default process metrics under
 * each prefix passed to `collectDefaultMetrics`, none meaning the standard names (asked of
 * prom-client itself, not listed by hand).
 */
export async function exportedMetricNames(
  packages: readonly string[] = METRIC_PACKAGES,
): Promise<Set<string>> {
  const names = new Set<string>();
  const prefixes = new Set<string>();
  for (const pkg of packages) {
    for (const file of sourceFiles(pkg)) {
      const text = readRepoFile(file);
      for (const m of text.matchAll(/\bname:\s*'(switchboard_[a-z0-9_]+)'/g)) names.add(m[1]!);
      for (const prefix of defaultMetricPrefixes(text)) prefixes.add(prefix);
    }
  }
  const defaults = await defaultMetricNames();
  for (const prefix of prefixes) for (const name of defaults) names.add(prefix + name);
  return names;
}

/**
 * The metric names a PromQL expression mentions: Switchboard's own (`switchboard_…`) and Node's
 * standard ones (`process_…`, `nodejs_…`); `up` and other Prometheus-made series are not counted.
 */
export function metricNamesIn(expr: string): string[] {
  return [...new Set(expr.match(/\b(?:switchboard|process|nodejs)_[a-z0-9_]+\b/g) ?? [])];
}

/** True when `name` is exported, directly or as a histogram's `_bucket`, `_sum` or `_count` series. */
export function isExported(name: string, exported: ReadonlySet<string>): boolean {
  if (exported.has(name)) return true;
  const suffix = HISTOGRAM_SUFFIXES.find((s) => name.endsWith(s));
  return suffix !== undefined && exported.has(name.slice(0, -suffix.length));
}
