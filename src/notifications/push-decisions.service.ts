import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import type { Db } from '../unread-index/unread-index.service';
import type { AppendedUserEvent } from '../events/stream-event';
import type { PushTrigger } from './notification-content';
import { NotificationTemplates } from './notification-templates';
import type { NotificationKind } from './push-sender';

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

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.templates = new NotificationTemplates(config.push.templates);
  }

  // Each intent's pushes, named by the stream event of the same change for that user (appended in
  // this transaction). Returns the new deliveries to send after the commit.
  async decideAll(
    db: Db,
    intents: readonly { userIds: readonly string[]; trigger: PushTrigger }[],
    appended: readonly AppendedUserEvent[],
  ): Promise<string[]> {
    const decided: string[] = [];
    for (const intent of intents) decided.push(...(await this.decide(db, intent.userIds, intent.trigger, appended)));
    return decided;
  }

  // Returns the ids of the new deliveries to send once the transaction has committed. Users who
  // turned the setting off get a row too ('suppressed'), so turning it on later cannot resurrect it.
  async decide(db: Db, userIds: readonly string[], trigger: PushTrigger, appended: readonly AppendedUserEvent[] = []): Promise<string[]> {
    if (userIds.length === 0) return [];
    const recipients = await db.query<RecipientRow[]>(
      `SELECT users.user_id, settings.chat_messages, settings.ticket_updates, languages.telegram_language, languages.contact_locale
       FROM unnest($1::varchar[]) AS users(user_id)
       LEFT JOIN notification_settings settings ON settings.user_id = users.user_id
       LEFT JOIN user_languages languages ON languages.user_id = users.user_id`,
      [userIds],
    );
    const contents = recipients.map((recipient) => JSON.stringify(this.content(trigger, recipient)));
    const statuses = recipients.map((recipient) => (this.enabled(trigger, recipient) ? 'pending' : 'suppressed'));
    const eventIds = recipients.map((recipient) => streamEventOf(appended, recipient.user_id, trigger) ?? null);
    const rows = await db.query<{ id: string; status: string }[]>(
      `INSERT INTO push_deliveries (user_id, source_key, content, status, event_id, claimed_until, finished_at)
       SELECT user_id, $2, content, status, event_id, now() + make_interval(secs => $5::double precision / 1000),
              CASE WHEN status = 'pending' THEN NULL ELSE now() END
       FROM unnest($1::varchar[], $3::jsonb[], $4::varchar[], $6::bigint[]) AS decided(user_id, content, status, event_id)
       ON CONFLICT (user_id, source_key) DO NOTHING
       RETURNING id, status`,
      [recipients.map((recipient) => recipient.user_id), trigger.sourceKey, contents, statuses, this.config.push.deliveryLeaseMs, eventIds],
    );
    return rows.filter((row) => row.status === 'pending').map((row) => String(row.id));
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
