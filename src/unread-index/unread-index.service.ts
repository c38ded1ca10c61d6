import { Injectable } from '@nestjs/common';
import type { Db } from '../database/db';
import type { IntercomConversation } from '../intercom/intercom.service';
import { type IntercomPartLike, isCustomerVisible } from '../messages/message.mapper';
import { type MessageColumns, UnreadIndexRepository } from './unread-index.repository';

export type { Db } from '../database/db';

export interface OperatorMessage {
  partId: string;
  createdAt: number;
}

// One user's unread numbers after a change in one conversation: what `unread.changed` carries.
export interface UnreadChange {
  userId: string;
  total: number;
  conversationId: string;
  unreadCount: number;
}

export interface UnreadSummary {
  total: number;
  conversations: { id: string; unreadCount: number }[];
}

const OPERATOR_AUTHORS = new Set(['admin', 'bot']);

// Customer-visible operator/bot messages of an Intercom conversation (its source, when an operator
// started it, and its parts): what the unread count counts.
export function operatorMessagesOf(conversation: IntercomConversation): OperatorMessage[] {
  const source = conversation.source as IntercomPartLike | undefined;
  const parts = (conversation.conversation_parts?.conversation_parts ?? []) as IntercomPartLike[];
  const candidates = [
    ...(source?.id ? [{ ...source, part_type: 'conversation_source', created_at: conversation.created_at }] : []),
    ...parts,
  ];
  return candidates
    .filter((part) => part.id && OPERATOR_AUTHORS.has(part.author?.type ?? '') && isCustomerVisible(part))
    .map((part) => ({ partId: part.id!, createdAt: (part.created_at ?? 0) * 1000 }));
}

// The per-user, per-conversation unread index (architecture.md › Realtime): operator/bot messages
// after the user's read mark, kept from webhooks and the user's own reads and replies, so that the
// badge costs no Intercom call. Every method takes the handle to write through, so webhook
// processing can keep it in the transaction of the event that changed it.
@Injectable()
export class UnreadIndexService {
  constructor(private readonly repository: UnreadIndexRepository) {}

  // Adds messages for each user (a redelivered part is a no-op). A message from a second before the
  // user's read mark is recorded as read; one from the mark's own second only if the read saw it
  // (markSeen records those by id), since Intercom's times have one-second precision.
  // Returns the users whose unread count grew.
  async record(
    db: Db | undefined,
    userIds: readonly string[],
    conversationId: string,
    messages: readonly OperatorMessage[],
  ): Promise<string[]> {
    if (userIds.length === 0 || messages.length === 0) return [];
    const rows = await this.repository.insertMessages(db, userIds, conversationId, columns(messages));
    return [...new Set(rows.filter((row) => !row.read).map((row) => row.user_id))];
  }

  // record() then changes() of the users whose count grew, in one round trip (webhook processing,
  // where nothing else changes the index in between).
  async recordAndCount(
    db: Db,
    userIds: readonly string[],
    conversationId: string,
    messages: readonly OperatorMessage[],
  ): Promise<UnreadChange[]> {
    if (userIds.length === 0 || messages.length === 0) return [];
    const rows = await this.repository.insertMessagesCounted(db, userIds, conversationId, columns(messages));
    return rows.map((row) => ({ userId: row.user_id, total: row.total, conversationId, unreadCount: row.unread_count }));
  }

  // record() outside any transaction (a read of the conversation in Intercom).
  recordNow(userIds: readonly string[], conversationId: string, messages: readonly OperatorMessage[]): Promise<string[]> {
    return this.record(undefined, userIds, conversationId, messages);
  }

  // The user has seen these messages (a read, or a reply written after them): recorded read, also
  // those no webhook had brought yet, so a later delivery of them cannot count them again.
  // Returns whether anything unread became read.
  async markSeen(db: Db, userId: string, conversationId: string, messages: readonly OperatorMessage[]): Promise<boolean> {
    if (messages.length === 0) return false;
    return this.repository.markSeen(db, userId, conversationId, columns(messages));
  }

  // Operator messages the user had seen before `upToMs` (their own reply at that time) become read.
  async markSeenUpTo(db: Db, userId: string, conversationId: string, upToMs: number): Promise<boolean> {
    return this.repository.markSeenUpTo(db, userId, conversationId, upToMs);
  }

  async summary(userId: string, db?: Db): Promise<UnreadSummary> {
    const rows = await this.repository.unreadByConversation(userId, db);
    const conversations = rows.map((row) => ({ id: row.conversation_id, unreadCount: row.unread }));
    return { total: conversations.reduce((sum, conversation) => sum + conversation.unreadCount, 0), conversations };
  }

  // The numbers of `unread.changed` for each user, read through `db` (inside the caller's transaction).
  async changes(db: Db, userIds: readonly string[], conversationId: string): Promise<UnreadChange[]> {
    if (userIds.length === 0) return [];
    const rows = await this.repository.counts(db, [...new Set(userIds)], conversationId);
    return rows.map((row) => ({ userId: row.user_id, total: row.total, conversationId, unreadCount: row.unread_count }));
  }

  async countsFor(userId: string, conversationIds: readonly string[]): Promise<Map<string, number>> {
    const summary = await this.summary(userId);
    const wanted = new Set(conversationIds);
    return new Map(summary.conversations.filter((entry) => wanted.has(entry.id)).map((entry) => [entry.id, entry.unreadCount]));
  }

  isWarm(userId: string): Promise<boolean> {
    return this.repository.isWarm(userId);
  }

  markWarm(userId: string): Promise<void> {
    return this.repository.markWarm(userId);
  }
}

function columns(messages: readonly OperatorMessage[]): MessageColumns {
  return { partIds: messages.map((message) => message.partId), createdAts: messages.map((message) => message.createdAt) };
}
