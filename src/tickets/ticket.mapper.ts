import type { IntercomTicket, IntercomTicketPart, IntercomTicketState } from '../intercom/intercom.service';
import { htmlToText } from '../messages/message.mapper';
import {
  TICKET_CATEGORIES,
  type TicketCategory,
  type TicketDto,
  type TicketStateDto,
  type TicketSummaryDto,
  type TicketTimelineEntryDto,
} from './dto/tickets.dto';

export { CUSTOMER_FACING, isCustomerFacing } from '../intercom/ticket-category';
const STATE_CHANGE_PART = 'ticket_state_updated_by_admin';

function asCategory(value: string | undefined): TicketCategory | undefined {
  return TICKET_CATEGORIES.find((category) => category === value);
}

// Parts carry only a category: its label is known when exactly one live state has that category.
export function labelForCategory(states: readonly IntercomTicketState[], category: TicketCategory): string | null {
  const matching = states.filter((state) => state.category === category && !state.archived);
  return matching.length === 1 ? (matching[0].external_label ?? null) : null;
}

export function isOwnTicket(ticket: IntercomTicket, contactId: string): boolean {
  return (ticket.contacts?.contacts ?? []).some((contact) => contact.id === contactId);
}

function attribute(ticket: IntercomTicket, name: string): string {
  const value = ticket.ticket_attributes?.[name];
  return typeof value === 'string' ? value : '';
}

// `states` is only needed when Intercom left the external label off the ticket's own state.
export function toTicketState(ticket: IntercomTicket, states: readonly IntercomTicketState[] = []): TicketStateDto {
  const category = asCategory(ticket.ticket_state?.category) ?? 'submitted';
  return { category, label: ticket.ticket_state?.external_label ?? labelForCategory(states, category) };
}

export function needsStateCatalog(ticket: IntercomTicket): boolean {
  return !ticket.ticket_state?.external_label;
}

export function toTicketSummary(ticket: IntercomTicket, rated: boolean, states?: readonly IntercomTicketState[]): TicketSummaryDto {
  return {
    id: ticket.id,
    reference: ticket.ticket_id,
    title: attribute(ticket, '_default_title_'),
    state: toTicketState(ticket, states),
    open: ticket.open ?? true,
    createdAt: (ticket.created_at ?? 0) * 1000,
    updatedAt: (ticket.updated_at ?? ticket.created_at ?? 0) * 1000,
    rated,
  };
}

export function toTicket(ticket: IntercomTicket, rated: boolean, states: readonly IntercomTicketState[]): TicketDto {
  return { ...toTicketSummary(ticket, rated, states), description: htmlToText(attribute(ticket, '_default_description_')) };
}

// Newest first; ids break ties between tickets created in the same second.
export function newestFirst(left: IntercomTicket, right: IntercomTicket): number {
  return (right.created_at ?? 0) - (left.created_at ?? 0) || Number(right.id) - Number(left.id);
}

// Exact and prefix matches on the reference, case-insensitive; exact ones first.
export function matchReference(tickets: IntercomTicket[], query: string): IntercomTicket[] {
  const needle = query.toLowerCase();
  const hits = tickets.filter((ticket) => ticket.ticket_id.toLowerCase().startsWith(needle));
  const exact = hits.filter((ticket) => ticket.ticket_id.toLowerCase() === needle);
  return [...exact, ...hits.filter((ticket) => !exact.includes(ticket))];
}

// The status timeline, oldest first: the state at creation, then every change of category.
export function buildTimeline(ticket: IntercomTicket, states: readonly IntercomTicketState[]): TicketTimelineEntryDto[] {
  const parts: IntercomTicketPart[] = ticket.ticket_parts?.ticket_parts ?? [];
  const changes = parts
    .filter((part) => part.part_type === STATE_CHANGE_PART && asCategory(part.ticket_state))
    .sort((left, right) => (left.created_at ?? 0) - (right.created_at ?? 0));
  const current = toTicketState(ticket, states);
  const initial = asCategory(changes[0]?.previous_ticket_state) ?? asCategory(changes[0]?.ticket_state) ?? current.category;
  const entries: { category: TicketCategory; at: number }[] = [{ category: initial, at: (ticket.created_at ?? 0) * 1000 }];
  for (const change of changes) {
    const category = asCategory(change.ticket_state)!;
    if (category !== entries.at(-1)!.category) entries.push({ category, at: (change.created_at ?? 0) * 1000 });
  }
  return entries.map((entry, index) => ({
    ...entry,
    // The last entry is the ticket's current state, whose exact label we have.
    label: index === entries.length - 1 && entry.category === current.category ? current.label : labelForCategory(states, entry.category),
  }));
}
