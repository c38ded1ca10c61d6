import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Db } from '../database/db';
import type { PushContent } from './push-decisions.service';
import type { PushDeliveryStatus } from './push-delivery.entity';

export interface DeliveryRow {
  user_id: string;
  content: PushContent;
  event_id: string | null;
}

export interface DecidedDeliveries {
  userIds: string[];
  // Each row's change (an Intercom part or state change).
  sourceKeys: string[];
  // JSON of each user's PushContent.
  contents: string[];
  statuses: ('pending' | 'suppressed')[];
  leaseMs: number;
  eventIds: (number | null)[];
}

// Owner of push_deliveries and stream_presence: all their SQL lives here.
@Injectable()
export class NotificationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  // Inside the caller's transaction, one statement for a whole batch. The unique (user_id,
  // source_key) key makes a redelivered decision a no-op (and a row twice in one call keeps its
  // first): only the new rows come back.
  insertDecided(db: Db, decided: DecidedDeliveries): Promise<{ id: string; status: string }[]> {
    return db.query<{ id: string; status: string }[]>(
      `INSERT INTO push_deliveries (user_id, source_key, content, status, event_id, claimed_until, finished_at)
       SELECT user_id, source_key, content, status, event_id, now() + make_interval(secs => $5::double precision / 1000),
              CASE WHEN status = 'pending' THEN NULL ELSE now() END
       FROM unnest($1::varchar[], $2::varchar[], $3::jsonb[], $4::varchar[], $6::bigint[])
         WITH ORDINALITY AS decided(user_id, source_key, content, status, event_id, position)
       ORDER BY position
       ON CONFLICT (user_id, source_key) DO NOTHING
       RETURNING id, status`,
      [decided.userIds, decided.sourceKeys, decided.contents, decided.statuses, decided.leaseMs, decided.eventIds],
    );
  }

  // Claims pending deliveries whose claim ran out.
  async claimExpired(leaseMs: number, limit: number): Promise<{ id: string; claims: number }[]> {
    // TypeORM's postgres driver answers an UPDATE … RETURNING with [rows, affectedCount].
    const [rows] = await this.dataSource.query<[{ id: string; claims: number }[], number]>(
      `UPDATE push_deliveries SET claims = claims + 1, claimed_until = now() + make_interval(secs => $1::double precision / 1000)
       WHERE id IN (SELECT id FROM push_deliveries WHERE status = 'pending' AND claimed_until < now()
                    ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id, claims`,
      [leaseMs, limit],
    );
    return rows;
  }

  async pendingDelivery(id: string): Promise<DeliveryRow | undefined> {
    const [row] = await this.dataSource.query<DeliveryRow[]>(
      "SELECT user_id, content, event_id FROM push_deliveries WHERE id = $1 AND status = 'pending'",
      [id],
    );
    return row;
  }

  async finishDelivery(id: string, status: PushDeliveryStatus): Promise<void> {
    await this.dataSource.query("UPDATE push_deliveries SET status = $2, finished_at = now() WHERE id = $1 AND status = 'pending'", [
      id,
      status,
    ]);
  }

  async streamingElsewhere(userId: string, instanceId: string, staleSeconds: number): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `SELECT 1 FROM stream_presence WHERE user_id = $1 AND instance_id <> $2
         AND refreshed_at > now() - make_interval(secs => $3) LIMIT 1`,
      [userId, instanceId, staleSeconds],
    );
    return rows.length > 0;
  }

  async refreshPresence(instanceId: string): Promise<void> {
    await this.dataSource.query('UPDATE stream_presence SET refreshed_at = now() WHERE instance_id = $1', [instanceId]);
  }

  async presenceOpened(userId: string, instanceId: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO stream_presence (user_id, instance_id) VALUES ($1, $2)
       ON CONFLICT (user_id, instance_id) DO UPDATE SET refreshed_at = now()`,
      [userId, instanceId],
    );
  }

  async presenceClosed(userId: string, instanceId: string): Promise<void> {
    await this.dataSource.query('DELETE FROM stream_presence WHERE user_id = $1 AND instance_id = $2', [userId, instanceId]);
  }

  async dropInstancePresence(instanceId: string): Promise<void> {
    await this.dataSource.query('DELETE FROM stream_presence WHERE instance_id = $1', [instanceId]);
  }
}
