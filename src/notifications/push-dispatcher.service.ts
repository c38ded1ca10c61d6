import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { PeriodicTask } from '../common/periodic-task';
import { DEVICE_PLATFORMS } from '../devices/device.entity';
import { DevicesService } from '../devices/devices.service';
import { MetricsService } from '../metrics/metrics.service';
import { UnreadIndexService } from '../unread-index/unread-index.service';
import { NotificationsRepository } from './notifications.repository';
import type { PushContent } from './push-decisions.service';
import type { PushDeliveryStatus } from './push-delivery.entity';
import { PushChannels } from './push-channels';
import type { PushData, PushNotification } from './push-sender';
import { StreamPresence } from './stream-presence';

const CONCURRENCY = 8;
const SWEEP_BATCH = 50;

// Sends decided pushes, always outside any transaction: the deciding worker hands over the ids
// after its commit; a sweeper takes over deliveries whose claim ran out (their sender died).
// A crash after a send and before its row is marked means that push goes out once more.
@Injectable()
export class PushDispatcherService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Push');
  private readonly queue: string[] = [];
  private active = 0;
  private readonly idleWaiters: (() => void)[] = [];
  private sweeper: PeriodicTask | undefined;
  private stopped = false;

  constructor(
    private readonly repository: NotificationsRepository,
    private readonly devices: DevicesService,
    private readonly channels: PushChannels,
    private readonly unread: UnreadIndexService,
    private readonly presence: StreamPresence,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    // Instances that only acknowledge webhooks (WEBHOOK_WORKERS=0) send nothing either.
    if (this.config.webhooks.workers === 0) return;
    this.sweeper = new PeriodicTask('Push sweep', this.config.push.sweepIntervalMs, () => this.sweep(), this.logger);
    this.sweeper.start();
  }

  // In-flight sends finish (bounded by the senders' timeouts); queued ones stay claimed in the
  // table and are taken over by a sweeper once their claim runs out.
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.sweeper?.stop();
    this.queue.length = 0;
    await this.idle();
  }

  // Deliveries this instance has claimed (decided, committed): sent in the background.
  enqueue(deliveryIds: readonly string[]): void {
    if (this.stopped) return;
    this.queue.push(...deliveryIds);
    this.pump();
  }

  // Resolves when nothing is queued or being sent here.
  idle(): Promise<void> {
    if (this.active === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  // Claims deliveries whose claim ran out (their instance died between deciding and finishing).
  async sweep(): Promise<void> {
    const rows = await this.repository.claimExpired(this.config.push.deliveryLeaseMs, SWEEP_BATCH);
    for (const row of rows) {
      if (row.claims > this.config.push.maxClaims) {
        this.logger.error({ deliveryId: row.id, claims: row.claims }, 'Push given up after repeated take-overs');
        await this.finish(String(row.id), 'failed');
      } else {
        this.logger.warn({ deliveryId: row.id, claims: row.claims }, 'Taking over a push whose sender did not finish');
        this.enqueue([String(row.id)]);
      }
    }
  }

  private pump(): void {
    while (this.active < CONCURRENCY && this.queue.length > 0) {
      const id = this.queue.shift()!;
      this.active += 1;
      void this.deliver(id)
        .catch((error: unknown) => this.logger.error({ err: error, deliveryId: id }, 'Push delivery failed; a sweep will retry it'))
        .finally(() => {
          this.active -= 1;
          this.pump();
          if (this.active === 0 && this.queue.length === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
        });
    }
  }

  private async deliver(id: string): Promise<void> {
    const row = await this.repository.pendingDelivery(id);
    if (!row) return;
    if (this.config.push.suppressWhileStreaming && (await this.presence.isStreaming(row.user_id))) {
      await this.finish(id, 'suppressed');
      return;
    }
    const [targets, unread] = await Promise.all([this.devices.devicesFor(row.user_id), this.unread.summary(row.user_id)]);
    // The stream event's id; a push whose change logged no stream event (none in practice) names its delivery.
    const notification = toNotification(row.content, String(row.event_id ?? id), unread.total);
    let delivered = 0;
    let failed = 0;
    for (const platform of DEVICE_PLATFORMS) {
      const tokens = targets.filter((target) => target.platform === platform).map((target) => target.token);
      if (tokens.length === 0) continue;
      const outcome = await this.channels.sender(platform).send(tokens, notification);
      for (const token of outcome.deadTokens) await this.devices.removeDevice(platform, token);
      this.metrics.pushSends.inc({ platform, outcome: 'delivered' }, outcome.delivered);
      this.metrics.pushSends.inc({ platform, outcome: 'failed' }, outcome.failed);
      this.metrics.pushSends.inc({ platform, outcome: 'dead_token' }, outcome.deadTokens.length);
      delivered += outcome.delivered;
      failed += outcome.failed;
      this.logger.log(
        { deliveryId: id, type: notification.data.type, platform, ...outcome, deadTokens: outcome.deadTokens.length },
        'Push sent',
      );
    }
    await this.finish(id, delivered === 0 && failed > 0 ? 'failed' : 'sent');
  }

  private async finish(id: string, status: PushDeliveryStatus): Promise<void> {
    await this.repository.finishDelivery(id, status);
  }
}

function toNotification(content: PushContent, eventId: string, badge: number): PushNotification {
  const data: PushData =
    'conversationId' in content.target
      ? { type: content.kind, conversationId: content.target.conversationId, eventId }
      : { type: content.kind, ticketId: content.target.ticketId, eventId };
  return { title: content.title, body: content.body, data, badge, button: content.button };
}
