import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultMetricNames,
  defaultMetricPrefixes,
  exportedMetricNames,
  isExported,
  METRIC_PACKAGES,
  metricNamesIn,
} from './exported-metrics.js';
import { githubAnchors, unaggregatedSelectors } from './promql-shape.js';
import { filesUnder, readRepoFile, repoPath, sourceFiles } from './repo-files.js';
import { readYamlDocument } from './yaml-documents.js';

interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: { severity?: string };
  annotations?: { summary?: string; description?: string; runbook_url?: string };
}

interface GrafanaPanel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: { expr: string; refId: string }[];
}

const ALERTS = 'deploy/prometheus/alerts.yml';
const ALERT_TESTS = 'deploy/prometheus/alerts.test.yml';
const rules = (readYamlDocument(ALERTS) as { groups: { name: string; rules: AlertRule[] }[] }).groups.flatMap(
  (g) => g.rules,
);
const grafana = JSON.parse(readRepoFile('deploy/grafana/switchboard.json')) as {
  uid: string;
  title: string;
  panels: GrafanaPanel[];
  templating: { list: { name: string; type: string }[] };
};
const queryPanels = grafana.panels.filter((p) => p.type !== 'row');

let exported: Set<string>;
const exportedBy = new Map<string, Set<string>>();
beforeAll(async () => {
  exported = await exportedMetricNames();
  for (const pkg of METRIC_PACKAGES) exportedBy.set(pkg, await exportedMetricNames([pkg]));
});

/** promtool comes with Prometheus (Debian: apt-get install prometheus); CI does not install it. */
const hasPromtool = spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0;
const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

function expectExportedMetrics(where: string, expr: string): void {
  const names = metricNamesIn(expr);
  // `up` is made by Prometheus itself, per target; any other expression must read a real metric.
  if (names.length === 0 && /\bup\{/.test(expr)) return;
  expect(names.length, `${where}: names no switchboard metric`).toBeGreaterThan(0);
  for (const name of names) {
    expect(isExported(name, exported), `${where}: ${name} is not exported by any service`).toBe(true);
  }
}

describe('Prometheus alert rules', () => {
  it('parse, and every rule has a name, an expression, a severity and a summary', () => {
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.alert, JSON.stringify(rule)).toMatch(/^Switchboard[A-Za-z0-9]+$/);
      expect(rule.expr.trim(), rule.alert).not.toBe('');
      expect(['warning', 'critical'], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
    }
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
  });

  it('every expression reads metrics the services really export', () => {
    for (const rule of rules) expectExportedMetrics(rule.alert, rule.expr);
  });

  it('cover a growing queue, failures, no worker alive and p99 latency', () => {
    const uses = (metric: string) => rules.some((r) => r.expr.includes(metric));
    expect(uses('switchboard_queue_depth')).toBe(true);
    expect(uses('switchboard_jobs_failed_total')).toBe(true);
    expect(uses('switchboard_workers_online')).toBe(true);
    expect(rules.some((r) => /histogram_quantile\(0\.99,/.test(r.expr))).toBe(true);
  });

  it('fire when every dashboard or every HTTP API copy is gone (absent of a series only it exports)', () => {
    for (const pkg of ['dashboard', 'plugins/http']) {
      const others = METRIC_PACKAGES.filter((p) => p !== pkg).map((p) => exportedBy.get(p)!);
      const own = (name: string) =>
        isExported(name, exportedBy.get(pkg)!) && !others.some((o) => isExported(name, o));
      const gone = rules.filter((r) => [...r.expr.matchAll(/absent\(\s*([a-z_]+)/g)].some((m) => own(m[1]!)));
      expect(
        gone.map((r) => r.labels?.severity),
        pkg,
      ).toContain('critical');
    }
    // And one pod that cannot be scraped while the others can: up == 0, per component.
    expect(rules.some((r) => /up\{[^}]*component[^}]*\} == 0/.test(r.expr))).toBe(true);
  });

  it('never hang on one pod: every series is read inside an aggregation (sum, max, count, absent...)', () => {
    for (const rule of rules) expect(unaggregatedSelectors(rule.expr), rule.alert).toEqual([]);
  });

  it('each has a runbook_url into a section of docs/operations.md that exists', () => {
    const anchors = githubAnchors(readRepoFile('docs/operations.md'));
    for (const rule of rules) {
      const url = rule.annotations?.runbook_url ?? '';
      // Repository-relative as shipped; a deployment may prefix its repository's URL.
      const m = /^(?:https:\/\/\S+\/)?docs\/operations\.md#([a-z0-9-]+)$/.exec(url);
      expect(m, `${rule.alert}: runbook_url "${url}"`).not.toBeNull();
      expect(anchors, `${rule.alert}: no heading for #${m![1]} in docs/operations.md`).toContain(m![1]);
    }
  });

  it.skipIf(!hasPromtool)(
    'promtool checks the rules and passes their unit tests (skipped without promtool)',
    () => {
      const check = spawnSync('promtool', ['check', 'rules', repoPath(ALERTS)], { encoding: 'utf8' });
      expect(check.stdout + check.stderr).toMatch(/SUCCESS/);
      const test = spawnSync('promtool', ['test', 'rules', repoPath(ALERT_TESTS)], { encoding: 'utf8' });
      expect(test.stdout + test.stderr).toMatch(/SUCCESS/);
      expect(test.status).toBe(0);
    },
  );

  it('the rule unit tests load this rules file and test alerts that exist', () => {
    const tests = readYamlDocument(ALERT_TESTS) as {
      rule_files: string[];
      tests: { alert_rule_test: { alertname: string }[] }[];
    };
    expect(tests.rule_files).toEqual(['alerts.yml']);
    const names = new Set(rules.map((r) => r.alert));
    for (const t of tests.tests.flatMap((t) => t.alert_rule_test)) expect(names).toContain(t.alertname);
  });
});

describe('PodMonitor for the Prometheus Operator', () => {
  const POD_MONITOR = 'deploy/k8s/monitoring/pod-monitor.yaml';
  const monitor = readYamlDocument(POD_MONITOR) as {
    kind: string;
    metadata: { labels: Record<string, string> };
    spec: {
      selector: { matchExpressions: { key: string; values: string[] }[] };
      podMetricsEndpoints: {
        port: string;
        relabelings?: { sourceLabels?: string[]; targetLabel?: string }[];
      }[];
    };
  };

  it("carries the release label kube-prometheus-stack's default podMonitorSelector asks for", () => {
    expect(monitor.kind).toBe('PodMonitor');
    // The chart's default (podMonitorSelectorNilUsesHelmValues: true) selects release: <Helm release>.
    expect(monitor.metadata.labels.release).toBe('kube-prometheus-stack');
    const docs = readRepoFile('docs/operations.md');
    expect(docs).toContain('podMonitorSelectorNilUsesHelmValues');
    expect(docs).toContain('release: kube-prometheus-stack');
  });

  it('labels every target with the component the alerts select on', () => {
    const components = monitor.spec.selector.matchExpressions.find(
      (e) => e.key === 'app.kubernetes.io/component',
    )!.values;
    for (const endpoint of monitor.spec.podMetricsEndpoints) {
      expect(endpoint.relabelings, endpoint.port).toContainEqual({
        sourceLabels: ['__meta_kubernetes_pod_label_app_kubernetes_io_component'],
        targetLabel: 'component',
      });
    }
    for (const rule of rules) {
      for (const m of rule.expr.matchAll(/component=~?"([^"]+)"/g)) {
        for (const value of m[1]!.split('|')) expect(components, rule.alert).toContain(value);
      }
    }
  });
});

describe("Node's default metrics", () => {
  it('keep their standard names in every service (no prefix), told apart by a service label', async () => {
    const packages = [
      'core',
      'worker',
      'dashboard',
      ...filesUnder('plugins', (n) => n === 'package.json').map((f) => f.replace(/\/package\.json$/, '')),
    ];
    const calls: string[] = [];
    for (const pkg of packages) {
      for (const file of sourceFiles(pkg)) {
        const text = readRepoFile(file);
        for (const prefix of defaultMetricPrefixes(text)) {
          expect(prefix, `${file} renames Node's default metrics`).toBe('');
          calls.push(file);
          expect(text, `${file}: its registry needs a service label`).toMatch(/setDefaultLabels\(/);
        }
      }
    }
    for (const pkg of METRIC_PACKAGES)
      expect(
        calls.some((f) => f.startsWith(`${pkg}/`)),
        pkg,
      ).toBe(true);
    const standard = await defaultMetricNames();
    expect(standard).toContain('process_cpu_seconds_total');
    expect(standard).toContain('nodejs_eventloop_lag_seconds');
    for (const name of standard) expect(exported.has(name), name).toBe(true);
  });

  it('the Grafana dashboard and the alerts read them by those names, never the old prefixed ones', () => {
    const text = readRepoFile('deploy/grafana/switchboard.json') + readRepoFile(ALERTS);
    expect(text).not.toMatch(/switchboard_(?:worker|http|dashboard)_(?:process|nodejs)_/);
    // (quotes are escaped inside the Grafana JSON)
    expect(text).toMatch(/process_cpu_seconds_total\{service=\\?"worker\\?"\}/);
    expect(text).toMatch(/nodejs_eventloop_lag_p99_seconds\{service=/);
  });
});

describe('Grafana dashboard', () => {
  it('parses, with a Prometheus data source variable and unique panel ids inside the grid', () => {
    expect(grafana.uid).toBe('switchboard');
    expect(grafana.templating.list).toContainEqual(
      expect.objectContaining({ name: 'datasource', type: 'datasource' }),
    );
    expect(queryPanels.length).toBeGreaterThan(5);
    expect(new Set(grafana.panels.map((p) => p.id)).size).toBe(grafana.panels.length);
    for (const p of grafana.panels) expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
  });

  it('every query reads metrics the services really export', () => {
    for (const panel of queryPanels) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? [])
        expectExportedMetrics(`${panel.title} ${target.refId}`, target.expr);
    }
  });

  it.skipIf(!hasPromtool)('promtool accepts every query (skipped without promtool)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-grafana-'));
    scratch.push(dir);
    // Grafana's $__rate_interval becomes a fixed range; each query becomes a recording rule to check.
    const recording = queryPanels.flatMap((p) =>
      (p.targets ?? []).map((t, i) => ({
        record: `check:panel_${p.id}_${i}`,
        expr: t.expr.replaceAll('$__rate_interval', '5m'),
      })),
    );
    const file = join(dir, 'queries.yml');
    writeFileSync(file, JSON.stringify({ groups: [{ name: 'grafana', rules: recording }] }));
    const check = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
    expect(check.stdout + check.stderr).toMatch(/SUCCESS/);
  });
});
