import { collectDefaultMetrics, Registry } from 'prom-client';
import { readRepoFile, sourceFiles } from './repo-files.js';

/** The packages whose processes Prometheus scrapes. */
const METRIC_PACKAGES = ['worker', 'plugins/http', 'dashboard'];

const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'];

/**
 * Every metric name the services really export, read from their sources: the names given to
 * prom-client metrics (`name: 'switchboard_…'`), plus prom-client's default process metrics under
 * each prefix passed to `collectDefaultMetrics` (asked of prom-client itself, not listed by hand).
 */
export async function exportedMetricNames(): Promise<Set<string>> {
  const names = new Set<string>();
  const prefixes = new Set<string>();
  for (const pkg of METRIC_PACKAGES) {
    for (const file of sourceFiles(pkg)) {
      const text = readRepoFile(file);
      for (const m of text.matchAll(/\bname:\s*'(switchboard_[a-z0-9_]+)'/g)) names.add(m[1]!);
      for (const m of text.matchAll(/collectDefaultMetrics\(\{[^}]*prefix:\s*'([a-z0-9_]+)'/g))
        prefixes.add(m[1]!);
    }
  }
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const defaults = (await registry.getMetricsAsJSON()).map((metric) => metric.name);
  registry.clear();
  for (const prefix of prefixes) for (const name of defaults) names.add(prefix + name);
  return names;
}

/** The `switchboard_…` metric names a PromQL expression mentions. */
export function metricNamesIn(expr: string): string[] {
  return [...new Set(expr.match(/\bswitchboard_[a-z0-9_]+\b/g) ?? [])];
}

/** True when `name` is exported, directly or as a histogram's `_bucket`, `_sum` or `_count` series. */
export function isExported(name: string, exported: ReadonlySet<string>): boolean {
  if (exported.has(name)) return true;
  const suffix = HISTOGRAM_SUFFIXES.find((s) => name.endsWith(s));
  return suffix !== undefined && exported.has(name.slice(0, -suffix.length));
}
