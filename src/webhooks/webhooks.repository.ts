import { Injectable, Module } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type QueryRunner } from 'typeorm';
import type { Db } from '../database/db';

export interface DueEvent {
  id: string;
  topic: string;
  payload: unknown;
  attempts: number;
}

export interface FailedEvent {
  id: string;
  topic: string;
  attempts: number;
  last_error: string | null;
  failed_at: Date;
}

// Owner of webhook_events, the inbox: all its SQL lives here. The acknowledgement (insert) and the
// worker's batch (claimDue … markProcessed, under one transaction) are the hot paths: each is the
// statement it was, one round trip. Methods that take a `db` run in the worker's transaction.
@Injectable()
export class WebhooksRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  // Whether the event is new (a redelivery of a known id is not).
  async insert(id: string, topic: string, payload: unknown): Promise<boolean> {
    const inserted = await this.dataSource.query<{ id: string }[]>(
      'INSERT INTO webhook_events (id, topic, payload) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING RETURNING id',
      [id, topic, payload],
    );
    return inserted.length > 0;
  }

  // A connected query runner for one batch's transaction; the caller releases it.
  async connect(): Promise<QueryRunner> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    return runner;
  }

  claimDue(db: Db, limit: number): Promise<DueEvent[]> {
    return db.query<DueEvent[]>(
      `SELECT id, topic, payload, attempts FROM webhook_events
       WHERE processed_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
       ORDER BY next_attempt_at, received_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
  }

  // One event's writes under a savepoint, so a failing event leaves no partial writes in the batch.
  async savepoint(db: Db): Promise<void> {
    await db.query('SAVEPOINT webhook_event');
  }

  // The previous event's savepoint released and the next one's set, in one round trip (the last
  // one of a batch is released by its commit).
  async nextSavepoint(db: Db): Promise<void> {
    await db.query('RELEASE SAVEPOINT webhook_event; SAVEPOINT webhook_event');
  }

  async rollbackToSavepoint(db: Db): Promise<void> {
    await db.query('ROLLBACK TO SAVEPOINT webhook_event');
  }

  // One statement for the whole batch's successes.
  async markProcessed(db: Db, ids: readonly string[]): Promise<void> {
    await db.query(
      'UPDATE webhook_events SET processed_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = ANY($1::varchar[])',
      [ids],
    );
  }

  // A retry after delayMs, or (final) given up.
  async markFailed(db: Db, id: string, failure: { attempts: number; error: string; delayMs: number; final: boolean }): Promise<void> {
    await db.query(
      `UPDATE webhook_events SET attempts = $2, last_error = $3,
         next_attempt_at = now() + make_interval(secs => $4::double precision / 1000),
         failed_at = CASE WHEN $5::boolean THEN now() END
       WHERE id = $1`,
      [id, failure.attempts, failure.error, failure.delayMs, failure.final],
    );
  }

  // Processed and given-up events older than the retention, up to limit of them.
  async deleteExpired(retentionDays: number, limit: number): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM webhook_events WHERE id IN (
         SELECT id FROM webhook_events
         WHERE processed_at < now() - make_interval(days => $1) OR failed_at < now() - make_interval(days => $1)
         LIMIT $2)`,
      [retentionDays, limit],
    );
  }

  // Both use partial indexes.
  async backlog(): Promise<{ backlog: number; oldest_age: number | null; failed: number }> {
    const [[pending], [failed]] = await Promise.all([
      this.dataSource.query<{ backlog: number; oldest_age: number | null }[]>(
        `SELECT count(*)::int AS backlog, extract(epoch FROM now() - min(received_at))::float8 AS oldest_age
         FROM webhook_events WHERE processed_at IS NULL AND failed_at IS NULL`,
      ),
      this.dataSource.query<{ failed: number }[]>('SELECT count(*)::int AS failed FROM webhook_events WHERE failed_at IS NOT NULL'),
    ]);
    return { ...pending, failed: failed.failed };
  }

  // Dead letters, oldest first.
  failed(limit: number): Promise<FailedEvent[]> {
    return this.dataSource.query<FailedEvent[]>(
      'SELECT id, topic, attempts, last_error, failed_at FROM webhook_events WHERE failed_at IS NOT NULL ORDER BY failed_at LIMIT $1',
      [limit],
    );
  }

  // Puts a given-up event back in the queue as new; whether there was one.
  async replay(id: string): Promise<boolean> {
    // As a SELECT over the UPDATE: TypeORM answers a bare UPDATE with [rows, count].
    const replayed = await this.dataSource.query<{ id: string }[]>(
      `WITH replayed AS (
         UPDATE webhook_events SET failed_at = NULL, attempts = 0, last_error = NULL, next_attempt_at = now()
         WHERE id = $1 AND failed_at IS NOT NULL RETURNING id)
       SELECT id FROM replayed`,
      [id],
    );
    return replayed.length > 0;
  }
}

// The inbox table alone, for the dead-letter tools that boot without the webhook feature.
@Module({ providers: [WebhooksRepository], exports: [WebhooksRepository] })
export class WebhookInboxStoreModule {}
