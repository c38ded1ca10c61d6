import type { IntercomConversation, IntercomTicket } from '../intercom/intercom.service';
import { htmlToText, type IntercomPartLike, isCustomerVisible, quickReplyOptions } from '../messages/message.mapper';
import type { TemplateValues } from './notification-templates';
import { truncatePreview } from './notification-templates';
import type { NotificationKind } from './push-sender';

export type NotificationSetting = 'chatMessages' | 'ticketUpdates';

// What one Intercom event gives a user a push for: the part (or state change) it is about, which
// is also its exactly-once key, and the values its template is rendered with.
export interface PushTrigger {
  kind: NotificationKind;
  sourceKey: string;
  // The Intercom part the push is about (its stream event is the part's message.created).
  partId?: string;
  target: { conversationId: string } | { ticketId: string };
  setting: NotificationSetting;
  values: TemplateValues;
}

const OPERATOR_AUTHORS = new Set(['admin', 'bot']);
const DEFAULT_AUTHOR = 'Support';

// Which part each topic is about. Reopens, assignments, notes, tags and the customer's own
// messages push nothing (api.md › Push payloads lists messages, closes, snoozes, ticket states).
const CONVERSATION_TOPICS: Readonly<Record<string, { kind: NotificationKind; partTypes: readonly string[] }>> = {
  'conversation.admin.replied': { kind: 'conversation_reply', partTypes: ['comment', 'quick_reply'] },
  'conversation.admin.single.created': { kind: 'conversation_reply', partTypes: ['comment', 'conversation_source'] },
  'conversation.admin.closed': { kind: 'conversation_closed', partTypes: ['close'] },
  'conversation.admin.snoozed': { kind: 'conversation_snoozed', partTypes: ['snoozed'] },
};
const TICKET_TOPICS: Readonly<Record<string, { kind: NotificationKind; partTypes: readonly string[] }>> = {
  'ticket.admin.replied': { kind: 'ticket_reply', partTypes: ['comment'] },
  'ticket.state.updated': { kind: 'ticket_state', partTypes: ['ticket_state_updated_by_admin'] },
};

function newestPart(parts: readonly IntercomPartLike[], partTypes: readonly string[]): IntercomPartLike | undefined {
  for (let index = parts.length - 1; index >= 0; index -= 1) {
    const part = parts[index];
    if (part.id && partTypes.includes(part.part_type ?? '') && OPERATOR_AUTHORS.has(part.author?.type ?? '')) return part;
  }
  return undefined;
}

// The BFF acts in Intercom as one admin (INTERCOM_ADMIN_ID) only on a user's behalf: their close,
// the reopen of a ticket they replied to. Those parts are the user's own actions.
const isOwnAction = (part: IntercomPartLike, botAdminId: string): boolean => part.author?.id === botAdminId;

function preview(part: IntercomPartLike, previewLength: number): string {
  // A quick reply without a question shows its buttons' texts.
  const text =
    htmlToText(part.body ?? '') ||
    quickReplyOptions(part)
      .map((option) => option.text)
      .join(' · ');
  return truncatePreview(text, previewLength);
}

export function conversationTrigger(
  topic: string,
  conversation: IntercomConversation,
  botAdminId: string,
  previewLength: number,
): PushTrigger | undefined {
  const rule = CONVERSATION_TOPICS[topic];
  if (!rule) return undefined;
  const source = conversation.source as IntercomPartLike | undefined;
  const parts = [
    ...(source?.id ? [{ ...source, part_type: 'conversation_source' }] : []),
    ...((conversation.conversation_parts?.conversation_parts ?? []) as IntercomPartLike[]),
  ];
  const part = newestPart(parts, rule.partTypes);
  if (!part || isOwnAction(part, botAdminId)) return undefined;
  // A message must be one the customer can see (never a note dressed as a reply).
  if (rule.kind === 'conversation_reply' && !isCustomerVisible(part)) return undefined;
  return {
    kind: rule.kind,
    sourceKey: `conversation:${conversation.id}:part:${part.id}`,
    partId: part.id,
    target: { conversationId: conversation.id },
    setting: 'chatMessages',
    values: { author: part.author?.name || DEFAULT_AUTHOR, preview: preview(part, previewLength), title: conversation.title ?? undefined },
  };
}

function humanCategory(category: string | undefined): string {
  return (category ?? 'updated').replace(/_/g, ' ');
}

export function ticketTrigger(topic: string, ticket: IntercomTicket, botAdminId: string, previewLength: number): PushTrigger | undefined {
  const rule = TICKET_TOPICS[topic];
  if (!rule) return undefined;
  const parts = (ticket.ticket_parts?.ticket_parts ?? []) as IntercomPartLike[];
  const part = newestPart(parts, rule.partTypes);
  if (part && isOwnAction(part, botAdminId)) return undefined;
  if (rule.kind === 'ticket_reply' && (!part || !isCustomerVisible(part))) return undefined;
  const state = ticket.ticket_state as { id?: string; category?: string; external_label?: string } | undefined;
  // A state change without its part in the payload is keyed by the state and the time it took effect.
  const sourceKey = part
    ? `ticket:${ticket.id}:part:${part.id}`
    : `ticket:${ticket.id}:state:${state?.id ?? state?.category}:${ticket.updated_at ?? ''}`;
  return {
    kind: rule.kind,
    sourceKey,
    partId: part?.id,
    target: { ticketId: ticket.id },
    setting: 'ticketUpdates',
    values: {
      author: part?.author?.name || DEFAULT_AUTHOR,
      preview: part ? preview(part, previewLength) : '',
      reference: ticket.ticket_id,
      state: state?.external_label || humanCategory(state?.category),
    },
  };
}
