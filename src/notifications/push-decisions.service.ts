import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import type { Db } from '../database/db';
import { DevicesRepository } from '../devices/devices.repository';
import { UserLanguagesRepository } from '../user-languages/user-languages.repository';
import type { AppendedUserEvent } from '../events/stream-event';
import type { PushTrigger } from './notification-content';
import { NotificationTemplates } from './notification-templates';
import { NotificationsRepository } from './notifications.repository';
import type { NotificationKind } from './push-sender';
import { StreamPresence } from './stream-presence';

// What a delivery row holds: everything but the badge and the event id, which are read at send time.
export interface PushContent {
  kind: NotificationKind;
  target: PushTrigger['target'];
  title: string;
  body: string;
  button: string;
  language: string;
}

interface RecipientRow {
  user_id: string;
  chat_messages: boolean | null;
  ticket_updates: boolean | null;
  telegram_language: string | null;
  contact_locale: string | null;
}

// Deciding a push: inside the caller's transaction (the webhook event's), one push_deliveries row
// per (user, part or state change). The unique key is what makes pushes exactly-once across
// redeliveries, retried batches and instances: whoever inserts the row sends it, nobody else.
@Injectable()
export class PushDecisionsService {
  readonly templates: NotificationTemplates;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly settings: DevicesRepository,
    private readonly languages: UserLanguagesRepository,
    private readonly deliveries: NotificationsRepository,
    private readonly presence: StreamPresence,
  ) {
    this.templates = new NotificationTemplates(config.push.templates);
  }

  // Each intent's pushes, named by the stream event of the same change for that user (appended in
  // this transaction). Returns the new deliveries to send after the commit. The recipients'
  // settings and languages are read once for the whole batch (one statement per owner), and every
  // intent's rows are inserted by one statement. Users who turned the setting off get a row too
  // ('suppressed'), so turning it on later cannot resurrect it; so do users with a live stream on
  // this instance (PUSH_SUPPRESS_WHILE_STREAMING), who get the event on it: deciding that here
  // spares the dispatcher two statements a push, which under a reply burst to streaming users
  // held most of the pool and kept webhook acks waiting for a connection (docs/benchmarks.md).
  // Streams on other instances are still checked by the dispatcher, when it sends.
  async decideAll(
    db: Db,
    intents: readonly { userIds: readonly string[]; trigger: PushTrigger }[],
    appended: readonly AppendedUserEvent[],
  ): Promise<string[]> {
    const userIds = [...new Set(intents.flatMap((intent) => intent.userIds))];
    if (userIds.length === 0) return [];
    const settings = await this.settings.settingsOf(db, userIds);
    const languages = await this.languages.languagesOf(db, userIds);
    const decided = intents.flatMap(({ userIds: recipients, trigger }) =>
      recipients.map((userId) => {
        const recipient: RecipientRow = {
          user_id: userId,
          chat_messages: settings.get(userId)?.chat_messages ?? null,
          ticket_updates: settings.get(userId)?.ticket_updates ?? null,
          telegram_language: languages.get(userId)?.telegram_language ?? null,
          contact_locale: languages.get(userId)?.contact_locale ?? null,
        };
        return { userId, trigger, recipient };
      }),
    );
    // In intent order: a (user, change) twice in one batch keeps its first decision.
    const rows = await this.deliveries.insertDecided(db, {
      userIds: decided.map((row) => row.userId),
      sourceKeys: decided.map((row) => row.trigger.sourceKey),
      contents: decided.map((row) => JSON.stringify(this.content(row.trigger, row.recipient))),
      statuses: decided.map((row) =>
        this.enabled(row.trigger, row.recipient) && !this.streamingHere(row.userId) ? 'pending' : 'suppressed',
      ),
      leaseMs: this.config.push.deliveryLeaseMs,
      eventIds: decided.map((row) => streamEventOf(appended, row.userId, row.trigger) ?? null),
    });
    return rows.filter((row) => row.status === 'pending').map((row) => String(row.id));
  }

  private streamingHere(userId: string): boolean {
    return this.config.push.suppressWhileStreaming && this.presence.isStreamingHere(userId);
  }

  private enabled(trigger: PushTrigger, recipient: RecipientRow): boolean {
    const value = trigger.setting === 'chatMessages' ? recipient.chat_messages : recipient.ticket_updates;
    return value ?? true;
  }

  private content(trigger: PushTrigger, recipient: RecipientRow): PushContent {
    const language = this.templates.resolve(recipient.telegram_language, recipient.contact_locale);
    const { title, body } = this.templates.render(trigger.kind, trigger.values, language);
    return { kind: trigger.kind, target: trigger.target, title, body, button: this.templates.button(language), language };
  }
}

// The stream event (seq) reporting the same change to this user: the part's message for a reply,
// the conversation's or ticket's state event for a close, snooze or state change.
function streamEventOf(appended: readonly AppendedUserEvent[], userId: string, trigger: PushTrigger): number | undefined {
  const target = trigger.target;
  const matches = appended.filter((event) => {
    if (event.userId !== userId) return false;
    switch (event.type) {
      case 'message.created':
        return (
          'conversationId' in target &&
          event.payload.conversationId === target.conversationId &&
          event.payload.message.id === trigger.partId
        );
      case 'conversation.updated':
        return (
          'conversationId' in target && event.payload.conversationId === target.conversationId && trigger.kind !== 'conversation_reply'
        );
      case 'ticket.message.created':
        return 'ticketId' in target && event.payload.ticketId === target.ticketId && event.payload.message.id === trigger.partId;
      case 'ticket.updated':
        return 'ticketId' in target && event.payload.ticketId === target.ticketId && trigger.kind === 'ticket_state';
      case 'unread.changed':
        return false;
    }
  });
  return matches.at(-1)?.seq;
}
