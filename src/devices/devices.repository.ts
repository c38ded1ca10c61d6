import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Db } from '../database/db';
import type { DevicePlatform } from './device.entity';

export interface PushTarget {
  id: string;
  platform: DevicePlatform;
  token: string;
}

export interface SettingsRow {
  chat_messages: boolean;
  ticket_updates: boolean;
  system_notices: boolean;
}

// Namespace of the per-user advisory lock that serialises registrations of one user (device cap).
const DEVICE_LOCK_NAMESPACE = 74_226_002;

// Owner of devices and notification_settings: all their SQL lives here.
@Injectable()
export class DevicesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  // Registers (or re-registers) a token and drops the user's oldest devices beyond maxPerUser.
  register(
    userId: string,
    platform: DevicePlatform,
    token: string,
    maxPerUser: number,
  ): Promise<{ id: string; platform: DevicePlatform; created_at: Date }> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [DEVICE_LOCK_NAMESPACE, userId]);
      // The unique (platform, token) key makes concurrent registrations of one token converge on one row.
      const [row] = await manager.query<{ id: string; platform: DevicePlatform; created_at: Date }[]>(
        `INSERT INTO devices (user_id, platform, token) VALUES ($1, $2, $3)
         ON CONFLICT (platform, token) DO UPDATE SET user_id = EXCLUDED.user_id, registered_at = now()
         RETURNING id, platform, created_at`,
        [userId, platform, token],
      );
      await manager.query(
        `DELETE FROM devices WHERE user_id = $1 AND id NOT IN (
           SELECT id FROM devices WHERE user_id = $1 ORDER BY registered_at DESC, created_at DESC LIMIT $2)`,
        [userId, maxPerUser],
      );
      return row;
    });
  }

  // Whether a row was deleted.
  async deleteOwned(userId: string, deviceId: string): Promise<boolean> {
    // TypeORM's postgres driver answers a DELETE with [rows, affectedCount].
    const [, affected] = await this.dataSource.query<[unknown, number]>('DELETE FROM devices WHERE id = $1 AND user_id = $2', [
      deviceId,
      userId,
    ]);
    return affected > 0;
  }

  devicesFor(userId: string): Promise<PushTarget[]> {
    return this.dataSource.query('SELECT id, platform, token FROM devices WHERE user_id = $1 ORDER BY registered_at DESC', [userId]);
  }

  async deleteToken(platform: DevicePlatform, token: string): Promise<void> {
    await this.dataSource.query('DELETE FROM devices WHERE platform = $1 AND token = $2', [platform, token]);
  }

  async settingsFor(userId: string): Promise<SettingsRow | undefined> {
    const [row] = await this.dataSource.query<SettingsRow[]>(
      'SELECT chat_messages, ticket_updates, system_notices FROM notification_settings WHERE user_id = $1',
      [userId],
    );
    return row;
  }

  // For push decisions, inside the caller's transaction: the settings of those users who have a row.
  async settingsOf(db: Db, userIds: readonly string[]): Promise<Map<string, { chat_messages: boolean; ticket_updates: boolean }>> {
    const rows = await db.query<{ user_id: string; chat_messages: boolean; ticket_updates: boolean }[]>(
      'SELECT user_id, chat_messages, ticket_updates FROM notification_settings WHERE user_id = ANY($1::text[])',
      [userIds],
    );
    return new Map(rows.map((row) => [row.user_id, row]));
  }

  // One atomic upsert: null fields keep their stored value (or the all-on default).
  async upsertSettings(
    userId: string,
    changes: { chatMessages: boolean | null; ticketUpdates: boolean | null; systemNotices: boolean | null },
  ): Promise<SettingsRow> {
    const [row] = await this.dataSource.query<SettingsRow[]>(
      `INSERT INTO notification_settings (user_id, chat_messages, ticket_updates, system_notices)
       VALUES ($1, COALESCE($2, true), COALESCE($3, true), COALESCE($4, true))
       ON CONFLICT (user_id) DO UPDATE SET
         chat_messages = COALESCE($2, notification_settings.chat_messages),
         ticket_updates = COALESCE($3, notification_settings.ticket_updates),
         system_notices = COALESCE($4, notification_settings.system_notices),
         updated_at = now()
       RETURNING chat_messages, ticket_updates, system_notices`,
      [userId, changes.chatMessages, changes.ticketUpdates, changes.systemNotices],
    );
    return row;
  }
}
