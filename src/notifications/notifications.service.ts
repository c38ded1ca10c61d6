import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { DEVICE_PLATFORMS } from '../devices/device.entity';
import { DevicesService } from '../devices/devices.service';
import type { IntercomConversation, IntercomTicket } from '../intercom/intercom.service';
import { MetricsService } from '../metrics/metrics.service';
import { type ConversationPushKind, conversationNotification, type TicketPushKind, ticketNotification } from './notification-content';
import { NotificationTemplates } from './notification-templates';
import { PushChannels } from './push-channels';
import type { PushNotification } from './push-sender';

// A contact as webhook items carry it: external_id is our user id when the contact is ours.
export interface ContactRef {
  id?: string;
  external_id?: string | null;
}

type Setting = 'chatMessages' | 'ticketUpdates';

// Push fan-out: recipients from the item's contacts, their notification settings, their devices,
// one send per platform; dead tokens removed. Failures of one channel never repeat another.
@Injectable()
export class NotificationsService {
  private readonly logger = new Logger('Notifications');
  private readonly templates: NotificationTemplates;

  constructor(
    private readonly devices: DevicesService,
    private readonly channels: PushChannels,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {
    this.templates = new NotificationTemplates(config.push.templates);
  }

  async notifyConversation(kind: ConversationPushKind, conversation: IntercomConversation): Promise<void> {
    const notification = conversationNotification(kind, conversation, this.templates, this.config.push.previewLength);
    await this.notify(conversation.contacts?.contacts ?? [], 'chatMessages', notification);
  }

  async notifyTicket(kind: TicketPushKind, ticket: IntercomTicket): Promise<void> {
    const notification = ticketNotification(kind, ticket, this.templates, this.config.push.previewLength);
    await this.notify(ticket.contacts?.contacts ?? [], 'ticketUpdates', notification);
  }

  private async notify(contacts: readonly ContactRef[], setting: Setting, notification: PushNotification): Promise<void> {
    for (const userId of await this.userIdsOf(contacts)) {
      const settings = await this.devices.settingsFor(userId);
      if (!settings[setting]) continue;
      const targets = await this.devices.devicesFor(userId);
      for (const platform of DEVICE_PLATFORMS) {
        const tokens = targets.filter((target) => target.platform === platform).map((target) => target.token);
        if (tokens.length === 0) continue;
        const outcome = await this.channels.sender(platform).send(tokens, notification);
        for (const token of outcome.deadTokens) await this.devices.removeDevice(platform, token);
        this.metrics.pushSends.inc({ platform, outcome: 'delivered' }, outcome.delivered);
        this.metrics.pushSends.inc({ platform, outcome: 'failed' }, outcome.failed);
        this.metrics.pushSends.inc({ platform, outcome: 'dead_token' }, outcome.deadTokens.length);
        this.logger.log({ type: notification.data.type, platform, ...outcome, deadTokens: outcome.deadTokens.length }, 'Push sent');
      }
    }
  }

  // The contact's external_id is our user id; contacts without one fall back to our own mapping.
  private async userIdsOf(contacts: readonly ContactRef[]): Promise<string[]> {
    const userIds = new Set(contacts.map((contact) => contact.external_id).filter((id): id is string => Boolean(id)));
    const unmapped = contacts.filter((contact) => !contact.external_id && contact.id).map((contact) => contact.id);
    if (unmapped.length > 0) {
      const rows = await this.dataSource.query<{ user_id: string }[]>('SELECT user_id FROM intercom_contacts WHERE contact_id = ANY($1)', [
        unmapped,
      ]);
      for (const row of rows) userIds.add(row.user_id);
    }
    return [...userIds];
  }
}
