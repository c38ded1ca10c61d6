import { Injectable } from '@nestjs/common';
import { MetricsService } from '../metrics/metrics.service';
import { WebhooksRepository } from './webhooks.repository';

// webhook_inbox_backlog / _oldest_age_seconds / _failed, read from the inbox table at scrape time
// (both queries use partial indexes). The table is shared, so every instance reports the same
// numbers: dashboards and alerts take max() over instances.
@Injectable()
export class WebhookInboxMetrics {
  constructor(
    private readonly repository: WebhooksRepository,
    metrics: MetricsService,
  ) {
    metrics.onScrape(async () => {
      const gauges = [metrics.webhookInboxBacklog, metrics.webhookInboxOldestAge, metrics.webhookInboxFailed];
      for (const gauge of gauges) gauge.reset();
      const inbox = await this.repository.backlog();
      metrics.webhookInboxBacklog.set(inbox.backlog);
      metrics.webhookInboxOldestAge.set(Math.max(0, inbox.oldest_age ?? 0));
      metrics.webhookInboxFailed.set(inbox.failed);
    });
  }
}
