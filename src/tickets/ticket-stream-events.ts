import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { EventRecipients } from '../events/event-recipients';
import { fanOut, type NewUserEvent } from '../events/stream-event';
import { UserEventsService } from '../events/user-events.service';
import type { IntercomTicket } from '../intercom/intercom.service';
import type { MessageDto } from '../messages/message.dto';
import { type IntercomPartLike, isCustomerVisible, toMessage } from '../messages/message.mapper';
import { isCustomerFacing, toTicketState } from './ticket.mapper';

const TICKET_STATE_TOPICS = new Set(['ticket.state.updated', 'ticket.admin.opened', 'ticket.admin.closed']);

// A ticket's stream events (ticket.message.created, ticket.updated), mapped by the same code as
// the ticket routes. Dedupe keys name the Intercom part or state change.
@Injectable()
export class TicketStreamEvents {
  constructor(
    private readonly recipients: EventRecipients,
    private readonly log: UserEventsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

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

  // The user's own reply through the BFF, for their other devices (see UserEventsService.recordOwnWrite).
  async recordOwnReply(userId: string, ticketId: string, message: MessageDto): Promise<void> {
    await this.log.recordOwnWrite(userId, async () => [
      { userId, type: 'ticket.message.created', payload: { ticketId, message }, dedupeKey: `ticket-part:${message.id}` },
    ]);
  }
}
