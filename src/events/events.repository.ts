import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Db } from '../database/db';

export interface EventCandidate {
  type: string;
  payload: unknown;
  dedupeKey?: string;
}

// Owner of user_events, user_event_heads and stream_tickets: all their SQL lives here. The append
// is the hot path of every webhook batch and user write: one statement per user, kept as tuned.
@Injectable()
export class EventsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  // Runs work in a transaction of its own.
  transaction<T>(work: (db: Db) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  // One round trip per user: drop keys already logged, advance the head (taking its row lock)
  // by what is left, insert those rows. Returns each inserted row's seq and its 1-based position
  // among the candidates.
  appendForUser(db: Db, userId: string, candidates: readonly EventCandidate[]): Promise<{ seq: string; position: string }[]> {
    return db.query<{ seq: string; position: string }[]>(
      `WITH candidate AS (
         SELECT * FROM unnest($2::varchar[], $3::jsonb[], $4::varchar[]) WITH ORDINALITY AS c(type, payload, dedupe_key, position)),
       fresh AS (
         SELECT candidate.*, row_number() OVER (ORDER BY position) AS rank FROM candidate
         WHERE dedupe_key IS NULL OR NOT EXISTS (
           SELECT 1 FROM user_events logged WHERE logged.user_id = $1::varchar AND logged.dedupe_key = candidate.dedupe_key)),
       head AS (
         INSERT INTO user_event_heads (user_id, last_seq) SELECT $1::varchar, count(*) FROM fresh HAVING count(*) > 0
         ON CONFLICT (user_id) DO UPDATE SET last_seq = user_event_heads.last_seq + EXCLUDED.last_seq
         RETURNING last_seq),
       inserted AS (
         INSERT INTO user_events (user_id, seq, type, payload, dedupe_key)
         SELECT $1::varchar, head.last_seq - (SELECT count(*) FROM fresh) + fresh.rank, fresh.type, fresh.payload, fresh.dedupe_key
         FROM fresh, head
         ON CONFLICT (user_id, dedupe_key) DO NOTHING
         RETURNING seq, dedupe_key)
       SELECT inserted.seq, fresh.position FROM inserted
       JOIN fresh ON fresh.rank = inserted.seq - (SELECT last_seq FROM head) + (SELECT count(*) FROM fresh)`,
      [
        userId,
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
