import type { MessageDto } from '../messages/message.dto';

// The wire shapes of api.md › Realtime events. The features that produce events (conversations,
// tickets, unread) map their own objects onto these; events/ imports none of them.
export type ConversationState = 'open' | 'closed' | 'snoozed';
export const TICKET_CATEGORIES = ['submitted', 'in_progress', 'waiting_on_customer', 'resolved'] as const;
export type TicketCategory = (typeof TICKET_CATEGORIES)[number];
export interface TicketStatePayload {
  category: TicketCategory;
  label: string | null;
}

// The event types of api.md › Realtime events that are written to the log (`reset` never is).
export interface StreamEventPayloads {
  'message.created': { conversationId: string; message: MessageDto };
  'conversation.updated': { conversationId: string; state: ConversationState; snoozedUntil: number | null; rated: boolean };
  'ticket.updated': { ticketId: string; state: TicketStatePayload; open: boolean };
  'ticket.message.created': { ticketId: string; message: MessageDto };
  'unread.changed': { total: number; conversationId: string; unreadCount: number };
}

export type StreamEventType = keyof StreamEventPayloads;

export const STREAM_EVENT_TYPES: readonly StreamEventType[] = [
  'message.created',
  'conversation.updated',
  'ticket.updated',
  'ticket.message.created',
  'unread.changed',
];

// An event to append for one user. `dedupeKey` names the Intercom part or state change it reports:
// a second append with the same key for the same user is dropped (webhook redeliveries, our own
// write followed by its webhook).
export type NewUserEvent = {
  [Type in StreamEventType]: { userId: string; type: Type; payload: StreamEventPayloads[Type]; dedupeKey?: string };
}[StreamEventType];

export type AppendedUserEvent = NewUserEvent & { seq: number };

// One event per recipient: the producers build an event once and address it to each user.
export function fanOut(userIds: readonly string[], events: readonly Omit<NewUserEvent, 'userId'>[]): NewUserEvent[] {
  return userIds.flatMap((userId) => events.map((event) => ({ ...event, userId }) as NewUserEvent));
}

// A row of the log as streams read it: the payload stays the JSON text Postgres returns.
export interface LoggedEvent {
  seq: number;
  type: string;
  payloadJson: string;
}
