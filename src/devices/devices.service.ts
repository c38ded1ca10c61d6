import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import { DataSource } from 'typeorm';
import type { SessionUser } from '../auth/auth.decorators';
import { AppError, notFound } from '../common/errors';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import type { DevicePlatform } from './device.entity';
import type { DeviceDto, NotificationSettingsDto, UpdateNotificationSettingsDto } from './dto/devices.dto';

export interface PushTarget {
  id: string;
  platform: DevicePlatform;
  token: string;
}

// Namespace of the per-user advisory lock that serialises registrations of one user (device cap).
const DEVICE_LOCK_NAMESPACE = 74_226_002;
const ALL_ON: NotificationSettingsDto = { chatMessages: true, ticketUpdates: true, systemNotices: true };

interface SettingsRow {
  chat_messages: boolean;
  ticket_updates: boolean;
  system_notices: boolean;
}

@Injectable()
export class DevicesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async register(user: SessionUser, platform: DevicePlatform, token: string): Promise<DeviceDto> {
    // A TMA "token" is a Telegram chat id: only the session's own chat may receive its pushes.
    if (platform === 'tma' && token !== user.telegramChatId) {
      throw new AppError('forbidden', 'A tma token must be the Telegram chat id of this session');
    }
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [DEVICE_LOCK_NAMESPACE, user.userId]);
      // The unique (platform, token) key makes concurrent registrations of one token converge on one row.
      const [row] = await manager.query<{ id: string; platform: DevicePlatform; created_at: Date }[]>(
        `INSERT INTO devices (user_id, platform, token) VALUES ($1, $2, $3)
         ON CONFLICT (platform, token) DO UPDATE SET user_id = EXCLUDED.user_id, registered_at = now()
         RETURNING id, platform, created_at`,
        [user.userId, platform, token],
      );
      await manager.query(
        `DELETE FROM devices WHERE user_id = $1 AND id NOT IN (
           SELECT id FROM devices WHERE user_id = $1 ORDER BY registered_at DESC, created_at DESC LIMIT $2)`,
        [user.userId, this.config.devices.maxPerUser],
      );
      return { id: row.id, platform: row.platform, createdAt: row.created_at.getTime() };
    });
  }

  async unregister(userId: string, deviceId: string): Promise<void> {
    if (!isUUID(deviceId)) throw notFound('Device');
    // TypeORM's postgres driver answers a DELETE with [rows, affectedCount].
    const [, affected] = await this.dataSource.query<[unknown, number]>('DELETE FROM devices WHERE id = $1 AND user_id = $2', [
      deviceId,
      userId,
    ]);
    if (affected === 0) throw notFound('Device');
  }

  devicesFor(userId: string): Promise<PushTarget[]> {
    return this.dataSource.query('SELECT id, platform, token FROM devices WHERE user_id = $1 ORDER BY registered_at DESC', [userId]);
  }

  // For push senders: the provider reported the token dead (unregistered, blocked the bot, …).
  async removeDevice(platform: DevicePlatform, token: string): Promise<void> {
    await this.dataSource.query('DELETE FROM devices WHERE platform = $1 AND token = $2', [platform, token]);
  }

  async settingsFor(userId: string): Promise<NotificationSettingsDto> {
    const [row] = await this.dataSource.query<SettingsRow[]>(
      'SELECT chat_messages, ticket_updates, system_notices FROM notification_settings WHERE user_id = $1',
      [userId],
    );
    return row ? toSettings(row) : { ...ALL_ON };
  }

  // One atomic upsert: fields left out keep their stored value (or the all-on default).
  async updateSettings(userId: string, changes: UpdateNotificationSettingsDto): Promise<NotificationSettingsDto> {
    const [row] = await this.dataSource.query<SettingsRow[]>(
      `INSERT INTO notification_settings (user_id, chat_messages, ticket_updates, system_notices)
       VALUES ($1, COALESCE($2, true), COALESCE($3, true), COALESCE($4, true))
       ON CONFLICT (user_id) DO UPDATE SET
         chat_messages = COALESCE($2, notification_settings.chat_messages),
         ticket_updates = COALESCE($3, notification_settings.ticket_updates),
         system_notices = COALESCE($4, notification_settings.system_notices),
         updated_at = now()
       RETURNING chat_messages, ticket_updates, system_notices`,
      [userId, changes.chatMessages ?? null, changes.ticketUpdates ?? null, changes.systemNotices ?? null],
    );
    return toSettings(row);
  }
}

function toSettings(row: SettingsRow): NotificationSettingsDto {
  return { chatMessages: row.chat_messages, ticketUpdates: row.ticket_updates, systemNotices: row.system_notices };
}
