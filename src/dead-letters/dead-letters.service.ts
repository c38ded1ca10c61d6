import { Injectable } from '@nestjs/common';
import { CsatRepository } from '../csat/csat.repository';
import { CsatService } from '../csat/csat.service';
import { WebhooksRepository } from '../webhooks/webhooks.repository';

export interface DeadLetter {
  // `webhook:<Intercom notification id>` or `csat:<rating id>`: what `webhooks:replay` takes.
  id: string;
  kind: 'webhook' | 'csat-tag';
  // Webhook topic, or the conversation the CSAT tag was for.
  subject: string;
  attempts: number | null;
  error: string | null;
  failedAt: Date;
}

const LIST_LIMIT = 1000;

// Work that failed for good and is kept for a human: webhook events that used up
// WEBHOOK_MAX_ATTEMPTS (webhook_events.failed_at) and CSAT tags Intercom refused for good or could
// not take within CSAT_TAG_GIVE_UP_AFTER_SECONDS (csat_ratings.tag_failed_at). Replaying one puts it back in its queue as new: the inbox workers
// of any instance take the event at their next poll (WEBHOOK_POLL_INTERVAL_MS); the CSAT tag goes back to its durable job.
@Injectable()
export class DeadLettersService {
  constructor(
    private readonly inbox: WebhooksRepository,
    private readonly csat: CsatService,
    private readonly ratings: CsatRepository,
  ) {}

  async list(): Promise<DeadLetter[]> {
    const [webhooks, tags] = await Promise.all([this.inbox.failed(LIST_LIMIT), this.ratings.givenUp(LIST_LIMIT)]);
    return [
      ...webhooks.map((row): DeadLetter => ({
        id: `webhook:${row.id}`,
        kind: 'webhook',
        subject: row.topic,
        attempts: row.attempts,
        error: row.last_error,
        failedAt: row.failed_at,
      })),
      ...tags.map((row): DeadLetter => ({
        id: `csat:${row.id}`,
        kind: 'csat-tag',
        subject: `conversation ${row.conversation_id}`,
        attempts: null,
        error: row.tag_error,
        failedAt: row.tag_failed_at,
      })),
    ].sort((left, right) => left.failedAt.getTime() - right.failedAt.getTime());
  }

  // Replays one dead letter; false if there is none by that id (unknown, or not failed).
  // A bare id is taken as a webhook notification id.
  async replay(id: string): Promise<boolean> {
    if (id.startsWith('csat:')) return this.csat.retryTag(id.slice('csat:'.length));
    const eventId = id.startsWith('webhook:') ? id.slice('webhook:'.length) : id;
    return this.inbox.replay(eventId);
  }

  async replayAll(): Promise<string[]> {
    const replayed: string[] = [];
    for (const letter of await this.list()) if (await this.replay(letter.id)) replayed.push(letter.id);
    return replayed;
  }
}
