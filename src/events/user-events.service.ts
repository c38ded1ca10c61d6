import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Db } from '../database/db';
import { EVENT_BUS, type EventBus, type UserHead } from './event-bus';
import { EventsRepository } from './events.repository';
import type { AppendedUserEvent, LoggedEvent, NewUserEvent } from './stream-event';

export interface UserLogHead {
  lastSeq: number;
  prunedThrough: number;
}

// The per-user event log (architecture.md › Realtime). Writers append inside the transaction of
// the effect and publish after it commits; streams read from it by seq.
@Injectable()
export class UserEventsService {
  private readonly logger = new Logger('UserEvents');

  constructor(
    private readonly repository: EventsRepository,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
  ) {}

  // Inside the caller's transaction (`manager` of dataSource.transaction or a QueryRunner). Each
  // user's head row stays locked until that transaction ends, so a user's events commit in seq
  // order; users are locked in id order, so two appending transactions cannot deadlock. Call
  // publish() with the result after the commit. One round trip for any number of users
  // (EventsRepository.append). A key logged by a transaction that committed after our check only
  // skips its seq (a gap is harmless: readers follow seq order, not contiguity).
  async append(manager: Db, events: readonly NewUserEvent[]): Promise<AppendedUserEvent[]> {
    // A key twice for one user in one append is logged once (the first).
    const seen = new Set<string>();
    const candidates = events.filter((event) => {
      if (event.dedupeKey === undefined) return true;
      const key = `${event.userId}\u0000${event.dedupeKey}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    if (candidates.length === 0) return [];
    const rows = await this.repository.append(manager, candidates);
    return rows
      .map((row) => ({ ...candidates[Number(row.position) - 1], seq: Number(row.seq) }))
      .sort((left, right) => (left.userId === right.userId ? left.seq - right.seq : left.userId < right.userId ? -1 : 1));
  }

  // After commit: other instances (and this one) look for the new rows. Never throws.
  async publish(appended: readonly AppendedUserEvent[]): Promise<void> {
    const heads = new Map<string, number>();
    for (const event of appended) heads.set(event.userId, Math.max(heads.get(event.userId) ?? 0, event.seq));
    if (heads.size === 0) return;
    await this.bus.publish([...heads].map(([userId, seq]): UserHead => ({ userId, seq })));
  }

  // Its own transaction, then publish: for the user's writes whose state change lives in Intercom
  // (the webhook that follows carries the same dedupe keys, so a crash here loses nothing).
  async record(events: readonly NewUserEvent[]): Promise<AppendedUserEvent[]> {
    if (events.length === 0) return [];
    const appended = await this.repository.transaction((db) => this.append(db, events));
    await this.publish(appended);
    return appended;
  }

  // The stream events of the user's own write through the BFF (reply, close), for their other
  // devices. The state change lives in Intercom, which answered already; the log is written right
  // after, with the dedupe keys the webhook that follows will carry, so a crash in between loses
  // nothing (the webhook logs it) and nothing is logged twice. Never fails the user's request.
  async recordOwnWrite(userId: string, build: () => Promise<NewUserEvent[]>): Promise<void> {
    try {
      await this.record(await build());
    } catch (error) {
      this.logger.warn({ err: error, userId }, 'Could not log the stream event of a user write (its webhook will)');
    }
  }

  async head(userId: string): Promise<UserLogHead> {
    const row = await this.repository.head(userId);
    return { lastSeq: Number(row?.last_seq ?? 0), prunedThrough: Number(row?.pruned_through ?? 0) };
  }

  // after() of many users in one query (the hub's live delivery: one commit of the webhook worker
  // has new events for many users at once): user id → their rows after their seq, in seq order.
  async afterEach(cursors: readonly { userId: string; seq: number }[], limit: number): Promise<Map<string, LoggedEvent[]>> {
    const byUser = new Map<string, LoggedEvent[]>(cursors.map((cursor) => [cursor.userId, []]));
    if (cursors.length === 0) return byUser;
    for (const row of await this.repository.afterEach(cursors, limit)) {
      byUser.get(row.user_id)?.push({ seq: Number(row.seq), type: row.type, payloadJson: row.payload });
    }
    return byUser;
  }

  // The payload comes back as Postgres's JSON text: streamed as is, never parsed here.
  async after(userId: string, seq: number, limit: number): Promise<LoggedEvent[]> {
    const rows = await this.repository.after(userId, seq, limit);
    return rows.map((row) => ({ seq: Number(row.seq), type: row.type, payloadJson: row.payload }));
  }
}
