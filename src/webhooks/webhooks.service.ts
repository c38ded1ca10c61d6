import { Inject, Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { UserRateLimiter } from '../auth/rate-limit';
import { AppError } from '../common/errors';
import { isSafeText, storableJson, UNSAFE_TEXT_MESSAGE } from '../common/safe-text';
import { parseJsonBody } from '../common/json-body';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { MetricsService } from '../metrics/metrics.service';
import { IntercomNotificationDto, type WebhookAckDto } from './dto/intercom-notification.dto';
import { isValidSignature } from './webhook-signature';
import { WebhookInboxWorker } from './webhook-inbox.worker';
import { WebhooksRepository } from './webhooks.repository';

// Receiving side: verify the signature over the raw bytes, then one INSERT — the durable record is
// also the queue entry, so there is no window between "acknowledged" and "queued".
@Injectable()
export class WebhooksService {
  constructor(
    private readonly repository: WebhooksRepository,
    private readonly inbox: WebhookInboxWorker,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    private readonly limiter: UserRateLimiter,
  ) {}

  async receive(rawBody: Buffer | undefined, signature: string | string[] | undefined, clientIp: string): Promise<WebhookAckDto> {
    // Checked over the raw bytes before they are parsed: an unsigned body (up to 1 MB) costs an
    // HMAC, never a JSON parse, and its sender learns nothing about what we accept. Only failures
    // count against the IP (RATE_LIMIT_WEBHOOK_FAILURES_PER_IP_PER_MIN): a signed request is never
    // throttled, however many Intercom sends.
    if (!rawBody || !isValidSignature(rawBody, signature, this.config.intercom.clientSecret)) {
      this.metrics.webhookEvents.inc({ topic: 'unknown', outcome: 'rejected' });
      this.limiter.hitIp('webhookFailures', clientIp);
      throw new AppError('unauthorized', 'Missing or invalid webhook signature');
    }
    // Signed by Intercom: depth still bounded (jsonb and the DTO check recurse), keys not (a
    // conversation with many parts is large by right; its size is capped at 1 MB).
    const body = parseJsonBody(rawBody, { maxDepth: this.config.json.maxDepth, maxKeys: undefined });
    // Intercom's "Send test" ping carries `"id": null`: acknowledge it before the schema check.
    if (isPing(body)) return { received: true, duplicate: false };
    const notification = await parseNotification(body);
    // jsonb cannot hold U+0000 or an unpaired surrogate (an operator can paste either): such text
    // is stored as U+FFFD rather than refused, or Intercom would resend it until it gives up on us.
    const inserted = await this.repository.insert(notification.id, notification.topic, storableJson(body));
    if (inserted) this.inbox.wake();
    this.metrics.webhookEvents.inc({
      topic: this.metrics.boundedTopic(notification.topic),
      outcome: inserted ? 'received' : 'duplicate',
    });
    return { received: true, duplicate: !inserted };
  }
}

function isPing(body: unknown): boolean {
  const candidate = body as { type?: unknown; topic?: unknown } | null;
  return typeof candidate === 'object' && candidate !== null && candidate.type === 'notification_event' && candidate.topic === 'ping';
}

async function parseNotification(body: unknown): Promise<IntercomNotificationDto> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new AppError('bad_request', 'Expected a JSON object');
  const notification = plainToInstance(IntercomNotificationDto, body);
  const [error] = await validate(notification, { stopAtFirstError: true });
  if (error) throw new AppError('validation_error', `${error.property} is invalid`);
  // The id and topic are keys, not content: one Intercom never sends is refused, not rewritten.
  for (const field of ['id', 'topic'] as const) {
    if (!isSafeText(notification[field])) throw new AppError('validation_error', `${field} ${UNSAFE_TEXT_MESSAGE}`);
  }
  return notification;
}
