import { Inject, Injectable, Logger } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, type Metric, Registry } from 'prom-client';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { RequestDurationHistogram } from './request-duration.histogram';

// Scrape-time sampler: sets gauges from current state (breaker, cache size, inbox backlog).
export type ScrapeSampler = () => void | Promise<void>;

export const BREAKER_STATE_VALUE = { closed: 0, half_open: 1, open: 2 } as const;

// Every metric of api.md › Metrics, in one registry per application instance (not prom-client's
// global one: tests run several apps in one process). Features inject this service and update
// the metric they own; gauges that mirror state are sampled at scrape time through onScrape().
// Label values must be bounded: route templates, operation names from code, topics through
// boundedTopic(); never ids or raw paths.
@Injectable()
export class MetricsService {
  private readonly logger = new Logger('Metrics');
  readonly registry = new Registry();
  // METRICS_PORT=0: nothing is served and the request hook is not installed; counters still count.
  readonly enabled: boolean;
  private readonly samplers: ScrapeSampler[] = [];
  private readonly topics = new Set<string>();

  readonly httpRequestDuration = new RequestDurationHistogram();

  readonly intercomRequests = new Counter({
    name: 'intercom_requests_total',
    help: 'Intercom API calls by operation and outcome (ok, not_found, rejected, rate_limited, error, timeout; circuit_open and throttled were not sent)',
    labelNames: ['operation', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly intercomRequestDuration = new Histogram({
    name: 'intercom_request_duration_seconds',
    help: 'Duration of Intercom API calls that were sent, by operation',
    labelNames: ['operation'] as const,
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly intercomRateBudget = new Gauge({
    name: 'intercom_rate_budget_per_minute',
    help: 'Intercom calls per minute this instance allows itself (INTERCOM_RATE_LIMIT_PER_MIN)',
    registers: [this.registry],
  });

  readonly serviceReady = new Gauge({
    name: 'service_ready',
    help: '1 when GET /ready would answer 200 (database answers, Intercom circuit not open), else 0',
    registers: [this.registry],
  });

  readonly intercomBreakerState = new Gauge({
    name: 'intercom_breaker_state',
    help: 'Intercom circuit breaker: 0 closed, 1 half open, 2 open',
    registers: [this.registry],
  });

  readonly pollSnapshots = new Gauge({
    name: 'poll_snapshots',
    help: 'Conversation snapshots held in memory for polls (bounded by POLL_MAX_SNAPSHOTS)',
    registers: [this.registry],
  });

  // The poll path counts in plain numbers; the counter takes them at scrape time.
  readonly pollLookups = { hit: 0, miss: 0 };
  readonly pollSnapshotLookups = new Counter({
    name: 'poll_snapshot_lookups_total',
    help: 'Poll snapshot lookups: hit (fresh snapshot in memory) or miss (fetched from Intercom or joined a fetch in flight)',
    labelNames: ['result'] as const,
    registers: [this.registry],
    collect: () => this.copyPollLookups(),
  });

  readonly webhookEvents = new Counter({
    name: 'webhook_events_total',
    help: 'Intercom webhooks by topic and outcome: received, duplicate, rejected (bad signature), processed, retry, failed (gave up)',
    labelNames: ['topic', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly webhookInboxBacklog = new Gauge({
    name: 'webhook_inbox_backlog',
    help: 'Webhook events recorded and not yet processed (due or waiting for a retry); the same value on every instance',
    registers: [this.registry],
  });

  readonly webhookInboxOldestAge = new Gauge({
    name: 'webhook_inbox_oldest_age_seconds',
    help: 'Age of the oldest unprocessed webhook event (0 when the inbox is empty)',
    registers: [this.registry],
  });

  readonly webhookInboxFailed = new Gauge({
    name: 'webhook_inbox_failed',
    help: 'Dead letters: webhook events that failed for good and are kept for replay (npm run webhooks:failed)',
    registers: [this.registry],
  });

  readonly csatTagDeadLetters = new Gauge({
    name: 'csat_tag_dead_letters',
    help: 'Dead letters: CSAT ratings whose Intercom tag was given up (refused, or not taken within CSAT_TAG_GIVE_UP_AFTER_SECONDS); npm run webhooks:failed lists them',
    registers: [this.registry],
  });

  readonly pushSends = new Counter({
    name: 'push_sends_total',
    help: 'Push deliveries by platform and outcome (delivered, failed, dead_token)',
    labelNames: ['platform', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly streamConnections = new Gauge({
    name: 'stream_connections',
    help: 'Open realtime event streams (GET /api/events) on this instance',
    registers: [this.registry],
  });

  readonly streamEvents = new Counter({
    name: 'stream_events_total',
    help: 'Events written to open realtime streams, by event type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.enabled = config.metrics.port !== 0;
    this.intercomRateBudget.set(config.intercom.rateLimitPerMinute);
    this.registry.registerMetric(this.httpRequestDuration as unknown as Metric);
    // Event-loop lag, heap, GC, handles: only when served (each call installs process-wide observers).
    if (this.enabled) collectDefaultMetrics({ register: this.registry });
  }

  onScrape(sampler: ScrapeSampler): void {
    this.samplers.push(sampler);
  }

  // Intercom topics come from signed webhooks, but a label must stay bounded whatever arrives.
  boundedTopic(topic: string | undefined): string {
    if (!topic) return 'unknown';
    if (this.topics.has(topic)) return topic;
    if (this.topics.size >= 100 || !/^[a-z_]{1,40}(?:\.[a-z_]{1,40}){0,5}$/.test(topic)) return 'other';
    this.topics.add(topic);
    return topic;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  // The Prometheus text exposition. A sampler that fails is logged and the scrape goes on (each
  // sampler clears its gauges first, so a failure shows as a missing series, not a stale value).
  async render(): Promise<string> {
    await Promise.all(
      this.samplers.map(async (sampler) => {
        try {
          await sampler();
        } catch (error) {
          this.logger.warn({ err: error }, 'Metrics sampler failed');
        }
      }),
    );
    return this.registry.metrics();
  }

  private copyPollLookups(): void {
    this.pollSnapshotLookups.reset();
    this.pollSnapshotLookups.inc({ result: 'hit' }, this.pollLookups.hit);
    this.pollSnapshotLookups.inc({ result: 'miss' }, this.pollLookups.miss);
  }
}
