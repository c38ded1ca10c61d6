import { Injectable } from '@nestjs/common';
import { ConversationSnapshotsService } from '../conversations/conversation-snapshots.service';
import type { IntercomConversation, IntercomTicket } from '../intercom/intercom.service';
import type { ConversationPushKind, TicketPushKind } from '../notifications/notification-content';
import { NotificationsService } from '../notifications/notifications.service';
import { isCustomerFacing } from '../tickets/ticket.mapper';

// Operator actions a customer is told about. Snoozes, reopens, assignments, tags, notes and the
// customer's own messages only refresh what polls see (see README › Webhooks for why).
const CONVERSATION_PUSHES: Readonly<Record<string, ConversationPushKind>> = {
  'conversation.admin.replied': 'conversation_reply',
  'conversation.admin.single.created': 'conversation_reply',
  'conversation.admin.closed': 'conversation_closed',
};
const TICKET_PUSHES: Readonly<Record<string, TicketPushKind>> = {
  'ticket.admin.replied': 'ticket_reply',
  'ticket.state.updated': 'ticket_state',
};

interface NotificationPayload {
  data?: { item?: { type?: unknown; id?: unknown } };
}

// What one recorded Intercom event does. Safe to run again (the snapshot update is idempotent;
// pushes are sent only after everything that could fail and force a retry has succeeded).
@Injectable()
export class WebhookEffects {
  constructor(
    private readonly snapshots: ConversationSnapshotsService,
    private readonly notifications: NotificationsService,
  ) {}

  async apply(topic: string, payload: unknown): Promise<void> {
    const item = (payload as NotificationPayload | null)?.data?.item;
    if (!item || typeof item.id !== 'string') return;
    if (item.type === 'conversation' && topic.startsWith('conversation')) {
      const conversation = item as IntercomConversation;
      // Every instance's poll snapshot follows (LISTEN/NOTIFY inside the snapshot service).
      await this.snapshots.applyFromWebhook(conversation);
      const kind = CONVERSATION_PUSHES[topic];
      if (kind) await this.notifications.notifyConversation(kind, conversation);
      return;
    }
    if (item.type === 'ticket' && topic.startsWith('ticket.')) {
      const ticket = item as IntercomTicket;
      const kind = TICKET_PUSHES[topic];
      // Back-office and tracker tickets are invisible to customers: nothing to tell them.
      if (kind && isCustomerFacing(ticket)) await this.notifications.notifyTicket(kind, ticket);
    }
  }
}
