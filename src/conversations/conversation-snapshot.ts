import type { IntercomConversation } from '../intercom/intercom.service';
import type { MessageDto } from '../messages/message.dto';
import { type IntercomPartLike, isCustomerVisible, toMessage } from '../messages/message.mapper';

import type { ConversationState } from '../events/stream-event';

export type { ConversationState };

// What polls are served from: everything a customer may see of one conversation, already mapped.
export interface ConversationSnapshot {
  id: string;
  contactIds: ReadonlySet<string>;
  title: string;
  state: ConversationState;
  snoozedUntil: number | null;
  tags: readonly string[];
  createdAt: number;
  updatedAt: number;
  // Customer-visible messages, oldest first, createdAt strictly increasing (see withUniqueTimes).
  messages: readonly StoredMessage[];
  // False for an outbound Series / campaign message the customer never answered (see isShownToCustomer).
  shown: boolean;
  fetchedAt: number;
}

// A message kept ready to send: a poll concatenates these JSON strings, other reads parse them back.
// One string instead of a tree of ~8 objects keeps 10,000 snapshots cheap for the GC to carry.
export interface StoredMessage {
  readonly id: string;
  readonly createdAt: number;
  readonly fromOperator: boolean;
  readonly json: string;
}

export function toStored(message: MessageDto): StoredMessage {
  return { id: message.id, createdAt: message.createdAt, fromOperator: message.author.type !== 'user', json: JSON.stringify(message) };
}

export function fromStored(message: StoredMessage): MessageDto {
  return JSON.parse(message.json) as MessageDto;
}

const retimed = (message: StoredMessage, createdAt: number): StoredMessage => toStored({ ...fromStored(message), createdAt });

// How the poll snapshot took a webhook's (or our own write's) conversation.
export interface SnapshotChange {
  // Built from this conversation object alone: its customer-visible messages.
  next: ConversationSnapshot;
  // What polls now see (next merged into what was held), or next when nothing newer was held.
  current: ConversationSnapshot;
  previous: ConversationSnapshot | undefined;
  // An older state than the one polls already showed (webhooks arrive out of order).
  stale: boolean;
}

export interface SnapshotContext {
  clientMessageIds: ReadonlyMap<string, string>;
  // The source of a conversation opened from a topic alone is a placeholder, not the user's words.
  hideSource: boolean;
  topicTitle?: string;
}

const toMs = (seconds: number | undefined | null): number | null => (seconds ? seconds * 1000 : null);

// Intercom has second precision; a poll asks for createdAt > since. Messages sharing a second are
// spaced 1 ms apart in order, so one arriving later in the same second is never skipped.
function withUniqueTimes<T extends { createdAt: number }>(messages: T[], retime: (message: T, createdAt: number) => T): T[] {
  let previous = -1;
  return messages.map((message) => {
    const base = message.createdAt - (message.createdAt % 1000);
    const createdAt = Math.max(base, Math.min(previous + 1, base + 999));
    previous = createdAt;
    return createdAt === message.createdAt ? message : retime(message, createdAt);
  });
}

function sourceAsPart(conversation: IntercomConversation): IntercomPartLike | undefined {
  const source = conversation.source;
  if (!source?.id) return undefined;
  return { ...source, part_type: 'conversation_source', created_at: conversation.created_at };
}

function visibleParts(conversation: IntercomConversation, context: SnapshotContext): IntercomPartLike[] {
  const parts = (conversation.conversation_parts?.conversation_parts ?? []) as IntercomPartLike[];
  const source = context.hideSource ? undefined : sourceAsPart(conversation);
  return [...(source ? [source] : []), ...parts].filter((part) => part.id && isCustomerVisible(part));
}

function orderByTime<T extends { createdAt: number }>(messages: T[]): T[] {
  // Stable sort on the second: keeps Intercom's order within a second.
  return messages
    .map((message, index) => ({ message, index, second: Math.floor(message.createdAt / 1000) }))
    .sort((left, right) => left.second - right.second || left.index - right.index)
    .map((entry) => entry.message);
}

function title(conversation: IntercomConversation, messages: readonly MessageDto[], context: SnapshotContext): string {
  const text = conversation.title || conversation.source?.subject || context.topicTitle || messages[0]?.body || '';
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

// conversation_source.delivered_as: customer_initiated, admin_initiated (an admin's 1:1 message,
// announced by conversation.admin.single.created) and operator_initiated (a custom bot the customer
// met in the Messenger) are conversations with the customer. `automated` (Series and outbounds
// with a dynamic audience) and `campaigns_initiated` (legacy campaigns) are marketing broadcasts:
// shown only once the customer has answered one, when it has become a conversation of theirs.
const BROADCASTS = new Set(['automated', 'campaigns_initiated']);

export function isShownToCustomer(conversation: IntercomConversation): boolean {
  if (!BROADCASTS.has(conversation.source?.delivered_as ?? '')) return true;
  return (conversation.conversation_parts?.conversation_parts ?? []).some(
    (part) => part.part_type === 'comment' && (part.author?.type === 'user' || part.author?.type === 'lead'),
  );
}

export function buildSnapshot(conversation: IntercomConversation, context: SnapshotContext, now = Date.now()): ConversationSnapshot {
  const messages = withUniqueTimes(
    orderByTime(visibleParts(conversation, context).map((part) => toMessage(part, context.clientMessageIds))),
    (message, createdAt) => ({ ...message, createdAt }),
  );
  return {
    id: conversation.id,
    contactIds: new Set((conversation.contacts?.contacts ?? []).map((contact) => contact.id).filter((id): id is string => Boolean(id))),
    title: title(conversation, messages, context),
    state: conversation.state ?? 'open',
    snoozedUntil: conversation.state === 'snoozed' ? toMs(conversation.snoozed_until) : null,
    tags: (conversation.tags?.tags ?? []).map((tag) => tag.name).filter((name): name is string => Boolean(name)),
    createdAt: toMs(conversation.created_at) ?? now,
    updatedAt: toMs(conversation.updated_at) ?? now,
    messages: messages.map(toStored),
    shown: isShownToCustomer(conversation),
    fetchedAt: now,
  };
}

// A webhook's conversation may carry only its latest parts: keep what we had, add what is new.
export function mergeSnapshot(previous: ConversationSnapshot, next: ConversationSnapshot): ConversationSnapshot {
  const known = new Map(previous.messages.map((message) => [message.id, message]));
  const added = next.messages.filter((message) => !known.has(message.id));
  const atSecond = (message: StoredMessage) => retimed(message, message.createdAt - (message.createdAt % 1000));
  const messages = added.length ? withUniqueTimes(orderByTime([...previous.messages, ...added.map(atSecond)]), retimed) : previous.messages;
  return {
    ...next,
    messages,
    contactIds: next.contactIds.size ? next.contactIds : previous.contactIds,
    shown: previous.shown || next.shown,
  };
}

// Intercom's updated_at has second precision: a newer second wins; within the same second only an
// update that agrees on state, snooze and tags is certainly not stale.
export function isNotOlder(next: ConversationSnapshot, previous: ConversationSnapshot): boolean {
  if (next.updatedAt !== previous.updatedAt) return next.updatedAt > previous.updatedAt;
  return next.state === previous.state && next.snoozedUntil === previous.snoozedUntil && next.tags.join('\n') === previous.tags.join('\n');
}
