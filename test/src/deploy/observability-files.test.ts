import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportedMetricNames, isExported, metricNamesIn } from './exported-metrics.js';
import { readRepoFile, repoPath } from './repo-files.js';
import { readYamlDocument } from './yaml-documents.js';

interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: { severity?: string };
  annotations?: { summary?: string; description?: string };
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
beforeAll(async () => {
  exported = await exportedMetricNames();
});

/** promtool comes with Prometheus (Debian: apt-get install prometheus); CI does not install it. */
const hasPromtool = spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0;
const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

function expectExportedMetrics(where: string, expr: string): void {
  const names = metricNamesIn(expr);
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
