import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MetricsService } from '../metrics/metrics.service';

// webhook_inbox_backlog / _oldest_age_seconds / _failed, read from the inbox table at scrape time
// (both queries use partial indexes). The table is shared, so every instance reports the same
// numbers: dashboards and alerts take max() over instances.
@Injectable()
export class WebhookInboxMetrics {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    metrics: MetricsService,
  ) {
    metrics.onScrape(async () => {
      const gauges = [metrics.webhookInboxBacklog, metrics.webhookInboxOldestAge, metrics.webhookInboxFailed];
      for (const gauge of gauges) gauge.reset();
      const [[pending], [failed]] = await Promise.all([
        this.dataSource.query<{ backlog: number; oldest_age: number | null }[]>(
          `SELECT count(*)::int AS backlog, extract(epoch FROM now() - min(received_at))::float8 AS oldest_age
           FROM webhook_events WHERE processed_at IS NULL AND failed_at IS NULL`,
        ),
        this.dataSource.query<{ failed: number }[]>('SELECT count(*)::int AS failed FROM webhook_events WHERE failed_at IS NOT NULL'),
      ]);
      metrics.webhookInboxBacklog.set(pending.backlog);
      metrics.webhookInboxOldestAge.set(Math.max(0, pending.oldest_age ?? 0));
      metrics.webhookInboxFailed.set(failed.failed);
    });
  }
}
