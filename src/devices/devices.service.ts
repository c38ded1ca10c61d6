import { Inject, Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import type { SessionUser } from '../auth/auth.decorators';
import { AppError, notFound } from '../common/errors';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import type { DevicePlatform } from './device.entity';
import { DevicesRepository, type PushTarget, type SettingsRow } from './devices.repository';
import type { DeviceDto, NotificationSettingsDto, UpdateNotificationSettingsDto } from './dto/devices.dto';

const ALL_ON: NotificationSettingsDto = { chatMessages: true, ticketUpdates: true, systemNotices: true };

@Injectable()
export class DevicesService {
  constructor(
    private readonly repository: DevicesRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async register(user: SessionUser, platform: DevicePlatform, token: string): Promise<DeviceDto> {
    // A TMA "token" is a Telegram chat id: only the session's own chat may receive its pushes.
    if (platform === 'tma' && token !== user.telegramChatId) {
      throw new AppError('forbidden', 'A tma token must be the Telegram chat id of this session');
    }
    const row = await this.repository.register(user.userId, platform, token, this.config.devices.maxPerUser);
    return { id: row.id, platform: row.platform, createdAt: row.created_at.getTime() };
  }

  async unregister(userId: string, deviceId: string): Promise<void> {
    if (!isUUID(deviceId)) throw notFound('Device');
    if (!(await this.repository.deleteOwned(userId, deviceId))) throw notFound('Device');
  }

  devicesFor(userId: string): Promise<PushTarget[]> {
    return this.repository.devicesFor(userId);
  }

  // For push senders: the provider reported the token dead (unregistered, blocked the bot, …).
  async removeDevice(platform: DevicePlatform, token: string): Promise<void> {
    await this.repository.deleteToken(platform, token);
  }

  async settingsFor(userId: string): Promise<NotificationSettingsDto> {
    const row = await this.repository.settingsFor(userId);
    return row ? toSettings(row) : { ...ALL_ON };
  }

  // Fields left out keep their stored value (or the all-on default).
  async updateSettings(userId: string, changes: UpdateNotificationSettingsDto): Promise<NotificationSettingsDto> {
    return toSettings(
      await this.repository.upsertSettings(userId, {
        chatMessages: changes.chatMessages ?? null,
        ticketUpdates: changes.ticketUpdates ?? null,
        systemNotices: changes.systemNotices ?? null,
      }),
    );
  }
}

function toSettings(row: SettingsRow): NotificationSettingsDto {
  return { chatMessages: row.chat_messages, ticketUpdates: row.ticket_updates, systemNotices: row.system_notices };
}
