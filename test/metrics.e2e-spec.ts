import { freePort } from '../src/database/embedded-postgres';
import { MetricsListener } from '../src/metrics/metrics.listener';
import { UNMATCHED_ROUTE } from '../src/metrics/http-metrics';
import { startTestApp } from './helpers/app';
import { waitFor } from './helpers/wait';
import { callJson } from './helpers/http';
import { type Scrape, scrapeMetrics } from './helpers/prometheus';
import { bearer } from './helpers/sessions';
import { signIn, startTestStack, type TestStack } from './helpers/stack';

// Every metric api.md › Metrics names (histograms by their family name).
const API_METRICS = [
  'http_request_duration_seconds',
  'intercom_requests_total',
  'intercom_request_duration_seconds',
  'intercom_breaker_state',
  'poll_snapshots',
  'poll_snapshot_lookups_total',
  'webhook_events_total',
  'webhook_inbox_backlog',
  'webhook_inbox_oldest_age_seconds',
  'push_sends_total',
  'stream_connections',
  'stream_events_total',
];

const POLL_ROUTE = '/api/conversations/:id/poll';

describe('Prometheus metrics on METRICS_PORT', () => {
  let stack: TestStack;
  let metricsPort: number;
  let token: string;
  let conversationId: string;

  beforeAll(async () => {
    metricsPort = await freePort();
    stack = await startTestStack({ METRICS_PORT: String(metricsPort), METRICS_HOST: '127.0.0.1', POLL_FRESHNESS_MS: '60000' });
    ({ token } = await signIn(stack, 'metrics-user'));
    const created = await callJson(`${stack.app.url}/api/conversations`, 'POST', token, { body: 'Where is my order?' });
    expect(created.status).toBe(201);
    conversationId = created.body.id as string;
  });
  afterAll(() => stack.close());

  const scrape = (): Promise<Scrape> => scrapeMetrics(metricsPort);

  it('serves every metric of the contract and the runtime defaults, in the Prometheus text format', async () => {
    const metrics = await scrape();
    expect(metrics.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    for (const name of API_METRICS) expect([name, metrics.types.get(name)]).toEqual([name, expect.any(String)]);
    expect(metrics.types.get('http_request_duration_seconds')).toBe('histogram');
    expect(metrics.types.get('intercom_request_duration_seconds')).toBe('histogram');
    // prom-client's defaults: event-loop lag, heap, GC.
    expect(metrics.value('nodejs_eventloop_lag_seconds')).toEqual(expect.any(Number));
    expect(metrics.select('nodejs_heap_size_used_bytes')).toHaveLength(1);
    expect(metrics.types.get('nodejs_gc_duration_seconds')).toBe('histogram');
  });

  it('is not served on the public port', async () => {
    const response = await fetch(`${stack.app.url}/metrics`);
    expect(response.status).toBe(404);
  });

  it('times requests per route template, with one label for unknown routes and never a raw path or id', async () => {
    const unmatched = { method: 'GET', route: UNMATCHED_ROUTE, status_code: '404' };
    const earlier = await scrape();
    const before = earlier.value('http_request_duration_seconds_count', { route: POLL_ROUTE, status_code: '200' }) ?? 0;
    const unmatchedBefore = earlier.value('http_request_duration_seconds_count', unmatched) ?? 0;
    for (let poll = 0; poll < 3; poll += 1) {
      expect((await fetch(`${stack.app.url}/api/conversations/${conversationId}/poll`, { headers: bearer(token) })).status).toBe(200);
    }
    expect((await fetch(`${stack.app.url}/no/such/route/123456789`)).status).toBe(404);
    expect((await fetch(`${stack.app.url}/api/conversations/${conversationId}/poll`)).status).toBe(401);

    const metrics = await scrape();
    const poll = { method: 'GET', route: POLL_ROUTE, status_code: '200' };
    expect(metrics.value('http_request_duration_seconds_count', poll)).toBe(before + 3);
    // Cumulative buckets ending in +Inf = count; the sum is in seconds.
    expect(metrics.value('http_request_duration_seconds_bucket', { ...poll, le: '+Inf' })).toBe(before + 3);
    expect(metrics.value('http_request_duration_seconds_sum', poll)).toBeGreaterThan(0);
    expect(metrics.value('http_request_duration_seconds_sum', poll)).toBeLessThan(before + 3);
    expect(metrics.value('http_request_duration_seconds_count', { route: POLL_ROUTE, status_code: '401' })).toBe(1);
    expect(metrics.value('http_request_duration_seconds_count', unmatched)).toBe(unmatchedBefore + 1);
    // Ids and raw paths never become label values (sample values are numbers and may contain any digits).
    const labelValues = metrics.samples.flatMap((sample) => Object.values(sample.labels));
    expect(labelValues.filter((label) => label.includes(conversationId) || label.includes('123456789'))).toEqual([]);
    const routes = new Set(metrics.select('http_request_duration_seconds_count').map((sample) => sample.labels.route));
    for (const route of routes) expect(route === UNMATCHED_ROUTE || route.startsWith('/')).toBe(true);
  });

  it('counts poll snapshot hits and misses and the snapshots held', async () => {
    const before = await scrape();
    await fetch(`${stack.app.url}/api/conversations/${conversationId}/poll`, { headers: bearer(token) });
    const after = await scrape();
    expect(after.value('poll_snapshot_lookups_total', { result: 'hit' })).toBe(
      (before.value('poll_snapshot_lookups_total', { result: 'hit' }) ?? 0) + 1,
    );
    expect(after.value('poll_snapshot_lookups_total', { result: 'miss' })).toBeGreaterThanOrEqual(1);
    expect(after.value('poll_snapshots')).toBeGreaterThanOrEqual(1);
  });

  it('counts Intercom calls by operation and outcome, with their duration and the breaker state', async () => {
    const metrics = await scrape();
    expect(metrics.value('intercom_requests_total', { operation: 'conversations.find', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(metrics.value('intercom_request_duration_seconds_count', { operation: 'conversations.find' })).toBeGreaterThanOrEqual(1);
    expect(metrics.value('intercom_breaker_state')).toBe(0);
    expect(metrics.value('service_ready')).toBe(1);
    expect(metrics.value('intercom_rate_budget_per_minute')).toBe(stack.app.config.intercom.rateLimitPerMinute);

    const missing = await callJson(`${stack.app.url}/api/conversations/424242424`, 'GET', token);
    expect(missing.status).toBe(404);
    const after = await scrape();
    expect(after.value('intercom_requests_total', { operation: 'conversations.find', outcome: 'not_found' })).toBe(1);
  });

  it('counts webhooks received and processed, and reports an empty inbox once they are', async () => {
    // Creating the conversation made the emulator send conversation.user.created to the BFF.
    await stack.emulator.control.webhooksIdle();
    const metrics = await waitFor(async () => {
      const scraped = await scrape();
      return scraped.value('webhook_inbox_backlog') === 0 &&
        (scraped.value('webhook_events_total', { topic: 'conversation.user.created', outcome: 'processed' }) ?? 0) >= 1
        ? scraped
        : undefined;
    });
    expect(metrics.value('webhook_events_total', { topic: 'conversation.user.created', outcome: 'received' })).toBeGreaterThanOrEqual(1);
    expect(metrics.value('webhook_inbox_oldest_age_seconds')).toBe(0);
    expect(metrics.value('webhook_inbox_failed')).toBe(0);

    const unsigned = await fetch(`${stack.app.url}/webhooks/intercom`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(unsigned.status).toBe(401);
    expect((await scrape()).value('webhook_events_total', { topic: 'unknown', outcome: 'rejected' })).toBe(1);
  });

  it('answers 404 for anything but GET /metrics on the metrics port', async () => {
    expect((await fetch(`http://127.0.0.1:${metricsPort}/`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { method: 'POST' })).status).toBe(404);
  });
});

describe('METRICS_PORT=0', () => {
  it('serves no metrics listener at all', async () => {
    const app = await startTestApp({ METRICS_PORT: '0' });
    try {
      expect(app.app.get(MetricsListener).port).toBeUndefined();
      expect((await fetch(`${app.url}/metrics`)).status).toBe(404);
    } finally {
      await app.close();
    }
  });
});
