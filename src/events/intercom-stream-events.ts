import { Inject, Injectable } from '@nestjs/common';
import { type ConversationSnapshot, fromStored, type SnapshotChange } from '../conversations/conversation-snapshot';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import type { IntercomConversation, IntercomTicket } from '../intercom/intercom.service';
import { type IntercomPartLike, isCustomerVisible, toMessage } from '../messages/message.mapper';
import { isCustomerFacing, toTicketState } from '../tickets/ticket.mapper';
import { EventRecipients } from './event-recipients';
import type { NewUserEvent } from './stream-event';

// Topics that change what conversation.updated reports (state, snooze, the CSAT tag).
const CONVERSATION_STATE_TOPICS = new Set([
  'conversation.admin.closed',
  'conversation.admin.snoozed',
  'conversation.admin.unsnoozed',
  'conversation.admin.opened',
  'conversation_part.tag.created',
]);
const TICKET_STATE_TOPICS = new Set(['ticket.state.updated', 'ticket.admin.opened', 'ticket.admin.closed']);

// Stream events from the same conversation/ticket objects that update the poll snapshot, mapped
// by the same code, so the stream and polls never disagree. Dedupe keys name the Intercom part or
// state change, so a redelivery (or our own write, then its webhook) is logged once.
@Injectable()
export class IntercomStreamEvents {
  constructor(
    private readonly recipients: EventRecipients,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async forConversation(
    topic: string,
    conversation: IntercomConversation,
    change: SnapshotChange,
    userIds?: readonly string[],
  ): Promise<NewUserEvent[]> {
    const { next, current, previous } = change;
    const recipients = userIds ?? (await this.recipients.usersOf(conversation.contacts?.contacts ?? []));
    if (recipients.length === 0) return [];
    const events: Omit<NewUserEvent, 'userId'>[] = [];
    const oldest = Date.now() - this.config.stream.retentionHours * 3600_000;
    for (const message of next.messages) {
      // Older than the log keeps: its dedupe key may be gone, and it is no news.
      if (message.createdAt < oldest) continue;
      const shown = current.messages.find((candidate) => candidate.id === message.id) ?? message;
      events.push({
        type: 'message.created',
        payload: { conversationId: next.id, message: fromStored(shown) },
        dedupeKey: `message:${message.id}`,
      });
    }
    const rated = this.isRated(next);
    const changed =
      previous !== undefined &&
      (previous.state !== next.state || previous.snoozedUntil !== next.snoozedUntil || this.isRated(previous) !== rated);
    // A state topic reports its own state unless it is older; any other topic (a reply that reopens)
    // only when strictly newer than what polls showed, so a late reply webhook cannot undo a close.
    const newer = previous !== undefined && next.updatedAt > previous.updatedAt;
    if (!change.stale && (CONVERSATION_STATE_TOPICS.has(topic) || (changed && newer))) {
      events.push({
        type: 'conversation.updated',
        payload: { conversationId: next.id, state: next.state, snoozedUntil: next.snoozedUntil, rated },
        dedupeKey: `conversation:${next.id}:${next.updatedAt}:${next.state}:${next.snoozedUntil ?? ''}:${rated}`,
      });
    }
    return fanOut(recipients, events);
  }

  async forTicket(topic: string, ticket: IntercomTicket, userIds?: readonly string[]): Promise<NewUserEvent[]> {
    // Back-office and tracker tickets are invisible to customers.
    if (!isCustomerFacing(ticket)) return [];
    const recipients = userIds ?? (await this.recipients.usersOf(ticket.contacts?.contacts ?? []));
    if (recipients.length === 0) return [];
    const events: Omit<NewUserEvent, 'userId'>[] = [];
    if (topic === 'ticket.admin.replied' || topic === 'ticket.contact.replied' || topic === 'ticket.user.replied') {
      const oldest = Date.now() - this.config.stream.retentionHours * 3600_000;
      const parts = (ticket.ticket_parts?.ticket_parts ?? []) as IntercomPartLike[];
      for (const part of parts) {
        if (!part.id || !isCustomerVisible(part) || (part.created_at ?? 0) * 1000 < oldest) continue;
        events.push({
          type: 'ticket.message.created',
          payload: { ticketId: ticket.id, message: toMessage(part) },
          dedupeKey: `ticket-part:${part.id}`,
        });
      }
    }
    if (TICKET_STATE_TOPICS.has(topic)) {
      const state = toTicketState(ticket);
      const open = ticket.open ?? true;
      events.push({
        type: 'ticket.updated',
        payload: { ticketId: ticket.id, state, open },
        dedupeKey: `ticket:${ticket.id}:${ticket.updated_at ?? ''}:${ticket.ticket_state?.id ?? state.category}:${open}`,
      });
    }
    return fanOut(recipients, events);
  }

  private isRated(snapshot: ConversationSnapshot): boolean {
    return snapshot.tags.includes(this.config.csat.tagName);
  }
}

function fanOut(userIds: readonly string[], events: Omit<NewUserEvent, 'userId'>[]): NewUserEvent[] {
  return userIds.flatMap((userId) => events.map((event) => ({ ...event, userId }) as NewUserEvent));
}
