import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { parse as parseYaml } from 'yaml';
import { freePort } from '../src/database/embedded-postgres';
import { callJson } from './helpers/http';
import { type Scrape, scrapeMetrics } from './helpers/prometheus';
import { bearer } from './helpers/sessions';
import { signIn, startTestStack, type TestStack } from './helpers/stack';

const DEPLOY = join(__dirname, '..', 'deploy');
// Series Prometheus itself adds to every target: not on /metrics by design.
const PROMETHEUS_SYNTHETIC = new Set(['up']);

interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: { severity?: string };
  annotations?: { summary?: string; description?: string; runbook?: string };
}

interface Panel {
  type: string;
  title: string;
  targets?: { expr: string }[];
  panels?: Panel[];
}

// Metric names a PromQL expression selects, from the Prometheus project's own grammar.
function metricNames(expr: string): string[] {
  // Grafana's interval variables are not PromQL; any duration parses the same.
  const promql = expr.replace(/\$__(?:rate_interval|interval|range)/g, '5m');
  const tree = parser.parse(promql);
  const names: string[] = [];
  tree.iterate({
    enter(node) {
      if (node.type.isError) throw new Error(`PromQL does not parse at ${node.from}: ${promql}`);
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') names.push(promql.slice(node.from, node.to));
    },
  });
  if (names.length === 0) throw new Error(`no metric selected by: ${expr}`);
  return names;
}

function alertRules(): AlertRule[] {
  const document = parseYaml(readFileSync(join(DEPLOY, 'prometheus/alerts.yml'), 'utf8')) as {
    groups: { name: string; rules: AlertRule[] }[];
  };
  return document.groups.flatMap((group) => group.rules);
}

function dashboardExpressions(): { panel: string; expr: string }[] {
  const dashboard = JSON.parse(readFileSync(join(DEPLOY, 'grafana/support-bff.json'), 'utf8')) as { panels: Panel[] };
  const walk = (panels: Panel[]): { panel: string; expr: string }[] =>
    panels.flatMap((panel) => [
      ...(panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })),
      ...walk(panel.panels ?? []),
    ]);
  return walk(dashboard.panels);
}

// A name exists if /metrics declares it (# TYPE), or it is a histogram's _bucket/_sum/_count.
function exists(metrics: Scrape, name: string): boolean {
  if (PROMETHEUS_SYNTHETIC.has(name) || metrics.types.has(name)) return true;
  const family = /^(.*)_(?:bucket|sum|count)$/.exec(name)?.[1];
  return family !== undefined && ['histogram', 'summary'].includes(metrics.types.get(family) ?? '');
}

describe('deploy/: Grafana dashboard and Prometheus alert rules', () => {
  let stack: TestStack;
  let metricsPort: number;

  beforeAll(async () => {
    metricsPort = await freePort();
    stack = await startTestStack({ METRICS_PORT: String(metricsPort), METRICS_HOST: '127.0.0.1', INTERCOM_TIMEOUT_MS: '5000' });
    // Some traffic: a conversation (Intercom calls, a webhook back), polls, an unknown route.
    const { token } = await signIn(stack, 'deploy-user');
    const created = await callJson(`${stack.app.url}/api/conversations`, 'POST', token, { body: 'Hello' });
    await fetch(`${stack.app.url}/api/conversations/${created.body.id as string}/poll`, { headers: bearer(token) });
    await fetch(`${stack.app.url}/nothing-here`);
    await stack.emulator.control.webhooksIdle();
  });
  afterAll(() => stack.close());

  it('has alert rules that parse, each with a severity, a summary and a runbook, covering what ops asked for', () => {
    const rules = alertRules();
    for (const rule of rules) {
      expect([rule.alert, rule.labels?.severity]).toEqual([rule.alert, expect.stringMatching(/^(page|warning)$/)]);
      expect([rule.alert, rule.annotations?.summary, rule.annotations?.runbook]).toEqual([
        rule.alert,
        expect.any(String),
        'README.md#operating',
      ]);
      expect([rule.alert, rule.for]).toEqual([rule.alert, expect.stringMatching(/^\d+m$/)]);
      metricNames(rule.expr);
    }
    const used = new Set(rules.flatMap((rule) => metricNames(rule.expr)));
    for (const name of [
      'intercom_breaker_state',
      'webhook_inbox_backlog',
      'webhook_inbox_oldest_age_seconds',
      'intercom_requests_total',
      'http_request_duration_seconds_count',
      'service_ready',
      'csat_tag_dead_letters',
    ]) {
      expect(used).toContain(name);
    }
  });

  it('references only metrics that /metrics serves (alerts and every dashboard panel)', async () => {
    const metrics = await scrapeMetrics(metricsPort);
    const references = [
      ...alertRules().map((rule) => ({ where: `alert ${rule.alert}`, expr: rule.expr })),
      ...dashboardExpressions().map((target) => ({ where: `panel "${target.panel}"`, expr: target.expr })),
    ];
    expect(references.length).toBeGreaterThan(30);
    const missing = references.flatMap(({ where, expr }) =>
      metricNames(expr)
        .filter((name) => !exists(metrics, name))
        .map((name) => `${where}: ${name}`),
    );
    expect(missing).toEqual([]);
  });

  it('has a dashboard panel for each area ops watch', () => {
    const used = new Set(dashboardExpressions().flatMap((target) => metricNames(target.expr)));
    for (const name of [
      'http_request_duration_seconds_count',
      'http_request_duration_seconds_bucket',
      'poll_snapshot_lookups_total',
      'intercom_requests_total',
      'intercom_request_duration_seconds_bucket',
      'intercom_rate_budget_per_minute',
      'intercom_breaker_state',
      'webhook_inbox_backlog',
      'webhook_inbox_oldest_age_seconds',
      'webhook_inbox_failed',
      'csat_tag_dead_letters',
      'push_sends_total',
      'stream_connections',
      'stream_events_total',
    ]) {
      expect(used).toContain(name);
    }
  });
});
