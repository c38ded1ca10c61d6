import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Db } from '../database/db';

export interface EventCandidate {
  userId: string;
  type: string;
  payload: unknown;
  dedupeKey?: string;
}

// Owner of user_events, user_event_heads and stream_tickets: all their SQL lives here. The append
// is the hot path of every webhook batch and user write: one statement per batch, kept as tuned.
@Injectable()
export class EventsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  // Runs work in a transaction of its own.
  transaction<T>(work: (db: Db) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  // One round trip for any number of users: drop keys already logged, advance each user's head
  // (taking its row lock, in user id order) by what is left, insert those rows. Returns each
  // inserted row's seq and its 1-based position among the candidates.
  append(db: Db, candidates: readonly EventCandidate[]): Promise<{ seq: string; position: string }[]> {
    return db.query<{ seq: string; position: string }[]>(
      `WITH candidate AS (
         SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::jsonb[], $4::varchar[])
           WITH ORDINALITY AS c(user_id, type, payload, dedupe_key, position)),
       fresh AS (
         SELECT candidate.*, row_number() OVER (PARTITION BY user_id ORDER BY position) AS rank,
                count(*) OVER (PARTITION BY user_id) AS fresh_count
         FROM candidate
         WHERE dedupe_key IS NULL OR NOT EXISTS (
           SELECT 1 FROM user_events logged WHERE logged.user_id = candidate.user_id AND logged.dedupe_key = candidate.dedupe_key)),
       head AS (
         INSERT INTO user_event_heads (user_id, last_seq)
         SELECT user_id, count(*) FROM fresh GROUP BY user_id ORDER BY user_id COLLATE "C"
         ON CONFLICT (user_id) DO UPDATE SET last_seq = user_event_heads.last_seq + EXCLUDED.last_seq
         RETURNING user_id, last_seq),
       inserted AS (
         INSERT INTO user_events (user_id, seq, type, payload, dedupe_key)
         SELECT fresh.user_id, head.last_seq - fresh.fresh_count + fresh.rank, fresh.type, fresh.payload, fresh.dedupe_key
         FROM fresh JOIN head ON head.user_id = fresh.user_id
         ON CONFLICT (user_id, dedupe_key) DO NOTHING
         RETURNING user_id, seq)
       SELECT inserted.seq, fresh.position FROM inserted
       JOIN head ON head.user_id = inserted.user_id
       JOIN fresh ON fresh.user_id = inserted.user_id AND fresh.rank = inserted.seq - head.last_seq + fresh.fresh_count`,
      [
        candidates.map((event) => event.userId),
        candidates.map((event) => event.type),
        candidates.map((event) => JSON.stringify(event.payload)),
        candidates.map((event) => event.dedupeKey ?? null),
      ],
    );
  }

  async head(userId: string): Promise<{ last_seq: string; pruned_through: string } | undefined> {
    const rows = await this.dataSource.query<{ last_seq: string; pruned_through: string }[]>(
      'SELECT last_seq, pruned_through FROM user_event_heads WHERE user_id = $1',
      [userId],
    );
    return rows[0];
  }

  // The payload comes back as Postgres's JSON text.
  after(userId: string, seq: number, limit: number): Promise<{ seq: string; type: string; payload: string }[]> {
    return this.dataSource.query<{ seq: string; type: string; payload: string }[]>(
      'SELECT seq, type, payload::text AS payload FROM user_events WHERE user_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
      [userId, seq, limit],
    );
  }

  // after() of many users in one query, each user's rows in seq order.
  afterEach(
    cursors: readonly { userId: string; seq: number }[],
    limit: number,
  ): Promise<{ user_id: string; seq: string; type: string; payload: string }[]> {
    return this.dataSource.query<{ user_id: string; seq: string; type: string; payload: string }[]>(
      `SELECT wanted.user_id, logged.seq, logged.type, logged.payload::text AS payload
       FROM unnest($1::varchar[], $2::bigint[]) WITH ORDINALITY AS wanted(user_id, after, position)
       CROSS JOIN LATERAL (
         SELECT seq, type, payload FROM user_events
         WHERE user_events.user_id = wanted.user_id AND seq > wanted.after ORDER BY seq LIMIT $3) logged
       ORDER BY wanted.position, logged.seq`,
      [cursors.map((cursor) => cursor.userId), cursors.map((cursor) => cursor.seq), limit],
    );
  }

  // Deletes up to limit events older than the retention; each head remembers the highest seq
  // deleted. Returns how many were deleted.
  async pruneBatch(retentionHours: number, limit: number): Promise<number> {
    const [{ count }] = await this.dataSource.query<{ count: string }[]>(
      `WITH doomed AS (
         DELETE FROM user_events WHERE (user_id, seq) IN (
           SELECT user_id, seq FROM user_events WHERE created_at < now() - make_interval(hours => $1) LIMIT $2)
         RETURNING user_id, seq),
       heads AS (
         UPDATE user_event_heads AS head SET pruned_through = GREATEST(head.pruned_through, doomed_max.seq)
         FROM (SELECT user_id, max(seq) AS seq FROM doomed GROUP BY user_id) AS doomed_max
         WHERE head.user_id = doomed_max.user_id)
       SELECT count(*) AS count FROM doomed`,
      [retentionHours, limit],
    );
    return Number(count);
  }

  async insertTicket(ticketHash: string, userId: string, expiresAt: Date): Promise<void> {
    await this.dataSource.query('INSERT INTO stream_tickets (ticket_hash, user_id, expires_at) VALUES ($1, $2, $3)', [
      ticketHash,
      userId,
      expiresAt,
    ]);
  }

  // Deletes the ticket; its user and whether it was still live, if it existed.
  async takeTicket(ticketHash: string): Promise<{ user_id: string; live: boolean } | undefined> {
    const rows = await this.dataSource.query<{ user_id: string; live: boolean }[]>(
      // In a CTE: TypeORM answers a bare DELETE … RETURNING as [rows, count].
      'WITH used AS (DELETE FROM stream_tickets WHERE ticket_hash = $1 RETURNING user_id, expires_at) SELECT user_id, expires_at > now() AS live FROM used',
      [ticketHash],
    );
    return rows[0];
  }

  async deleteExpiredTickets(): Promise<void> {
    await this.dataSource.query('DELETE FROM stream_tickets WHERE expires_at < now()');
  }
}
