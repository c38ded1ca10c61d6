import type { IntercomConversation, IntercomTicket } from '../intercom/intercom.service';
import { htmlToText } from '../messages/message.mapper';
import type { NotificationTemplates } from './notification-templates';
import { truncatePreview } from './notification-templates';
import type { NotificationKind, PushNotification } from './push-sender';

export type ConversationPushKind = Extract<NotificationKind, 'conversation_reply' | 'conversation_closed'>;
export type TicketPushKind = Extract<NotificationKind, 'ticket_reply' | 'ticket_state'>;

interface PartLike {
  part_type?: string;
  body?: string | null;
  author?: { type?: string; name?: string | null };
}

const OPERATOR_AUTHORS = new Set(['admin', 'bot']);
const DEFAULT_AUTHOR = 'Support';

// The newest operator comment: what the push previews (notes are never customer-visible).
function lastOperatorComment(parts: readonly PartLike[]): PartLike | undefined {
  for (let index = parts.length - 1; index >= 0; index -= 1) {
    const part = parts[index];
    if (part.part_type === 'comment' && OPERATOR_AUTHORS.has(part.author?.type ?? '')) return part;
  }
  return undefined;
}

function humanCategory(category: string | undefined): string {
  return (category ?? 'updated').replace(/_/g, ' ');
}

export function conversationNotification(
  kind: ConversationPushKind,
  conversation: IntercomConversation,
  templates: NotificationTemplates,
  previewLength: number,
): PushNotification {
  const parts = (conversation.conversation_parts?.conversation_parts ?? []) as PartLike[];
  const reply = lastOperatorComment(parts);
  const { title, body } = templates.render(kind, {
    author: reply?.author?.name || DEFAULT_AUTHOR,
    preview: truncatePreview(htmlToText(reply?.body ?? ''), previewLength),
    title: conversation.title ?? undefined,
  });
  return { title, body, data: { type: kind, conversationId: conversation.id } };
}

export function ticketNotification(
  kind: TicketPushKind,
  ticket: IntercomTicket,
  templates: NotificationTemplates,
  previewLength: number,
): PushNotification {
  const parts = (ticket.ticket_parts?.ticket_parts ?? []) as PartLike[];
  const reply = lastOperatorComment(parts);
  const { title, body } = templates.render(kind, {
    author: reply?.author?.name || DEFAULT_AUTHOR,
    preview: truncatePreview(htmlToText(reply?.body ?? ''), previewLength),
    reference: ticket.ticket_id,
    state: ticket.ticket_state?.external_label || humanCategory(ticket.ticket_state?.category),
  });
  return { title, body, data: { type: kind, ticketId: ticket.id } };
}
