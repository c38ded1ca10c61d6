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
  // publish() with the result after the commit.
  async append(manager: Db, events: readonly NewUserEvent[]): Promise<AppendedUserEvent[]> {
    const byUser = new Map<string, NewUserEvent[]>();
    for (const event of events) byUser.set(event.userId, [...(byUser.get(event.userId) ?? []), event]);
    const appended: AppendedUserEvent[] = [];
    for (const userId of [...byUser.keys()].sort()) appended.push(...(await this.appendForUser(manager, userId, byUser.get(userId)!)));
    return appended;
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

  // The payload comes back as Postgres's JSON text: streamed as is, never parsed here.
  async after(userId: string, seq: number, limit: number): Promise<LoggedEvent[]> {
    const rows = await this.repository.after(userId, seq, limit);
    return rows.map((row) => ({ seq: Number(row.seq), type: row.type, payloadJson: row.payload }));
  }

  // One round trip per user (EventsRepository.appendForUser). A key logged by a transaction that committed after our
  // check only skips its seq (a gap is harmless: readers follow seq order, not contiguity).
  private async appendForUser(manager: Db, userId: string, events: NewUserEvent[]): Promise<AppendedUserEvent[]> {
    const unique = new Map<string, NewUserEvent>();
    const candidates = events.filter((event) => {
      if (event.dedupeKey === undefined) return true;
      if (unique.has(event.dedupeKey)) return false;
      unique.set(event.dedupeKey, event);
      return true;
    });
    const rows = await this.repository.appendForUser(manager, userId, candidates);
    return rows
      .map((row) => ({ ...candidates[Number(row.position) - 1], seq: Number(row.seq) }))
      .sort((left, right) => left.seq - right.seq);
  }
}
