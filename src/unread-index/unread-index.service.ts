import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Db } from '../database/db';
import type { IntercomConversation } from '../intercom/intercom.service';
import { type IntercomPartLike, isCustomerVisible } from '../messages/message.mapper';

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
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  // Adds messages for each user (a redelivered part is a no-op). A message from a second before the
  // user's read mark is recorded as read; one from the mark's own second only if the read saw it
  // (markSeen records those by id), since Intercom's times have one-second precision.
  // Returns the users whose unread count grew.
  async record(db: Db, userIds: readonly string[], conversationId: string, messages: readonly OperatorMessage[]): Promise<string[]> {
    if (userIds.length === 0 || messages.length === 0) return [];
    const rows = await db.query<{ user_id: string; read: boolean }[]>(
      `INSERT INTO unread_messages (user_id, conversation_id, part_id, created_at, read)
       SELECT users.user_id, $2, messages.part_id, messages.created_at, messages.created_at / 1000 < COALESCE(reads.read_up_to / 1000, -1)
       FROM unnest($1::varchar[]) AS users(user_id)
       CROSS JOIN unnest($3::varchar[], $4::bigint[]) AS messages(part_id, created_at)
       LEFT JOIN conversation_reads reads ON reads.user_id = users.user_id AND reads.conversation_id = $2
       ON CONFLICT DO NOTHING
       RETURNING user_id, read`,
      [userIds, conversationId, messages.map((message) => message.partId), messages.map((message) => message.createdAt)],
    );
    return [...new Set(rows.filter((row) => !row.read).map((row) => row.user_id))];
  }

  // The user has seen these messages (a read, or a reply written after them): recorded read, also
  // those no webhook had brought yet, so a later delivery of them cannot count them again.
  // Returns whether anything unread became read.
  async markSeen(db: Db, userId: string, conversationId: string, messages: readonly OperatorMessage[]): Promise<boolean> {
    if (messages.length === 0) return false;
    const rows = await db.query<{ was_unread: boolean }[]>(
      `INSERT INTO unread_messages (user_id, conversation_id, part_id, created_at, read)
       SELECT $1, $2, messages.part_id, messages.created_at, true
       FROM unnest($3::varchar[], $4::bigint[]) AS messages(part_id, created_at)
       ON CONFLICT (user_id, conversation_id, part_id) DO UPDATE SET read = true WHERE NOT unread_messages.read
       RETURNING (xmax <> 0) AS was_unread`,
      [userId, conversationId, messages.map((message) => message.partId), messages.map((message) => message.createdAt)],
    );
    return rows.some((row) => row.was_unread);
  }

  // Operator messages the user had seen before `upToMs` (their own reply at that time) become read.
  async markSeenUpTo(db: Db, userId: string, conversationId: string, upToMs: number): Promise<boolean> {
    const [, affected] = await db.query<[unknown, number]>(
      'UPDATE unread_messages SET read = true WHERE user_id = $1 AND conversation_id = $2 AND NOT read AND created_at <= $3',
      [userId, conversationId, upToMs],
    );
    return affected > 0;
  }

  async summary(userId: string, db: Db = this.dataSource): Promise<UnreadSummary> {
    const rows = await db.query<{ conversation_id: string; unread: number }[]>(
      `SELECT conversation_id, count(*)::int AS unread FROM unread_messages
       WHERE user_id = $1 AND NOT read GROUP BY conversation_id ORDER BY conversation_id`,
      [userId],
    );
    const conversations = rows.map((row) => ({ id: row.conversation_id, unreadCount: row.unread }));
    return { total: conversations.reduce((sum, conversation) => sum + conversation.unreadCount, 0), conversations };
  }

  // The numbers of `unread.changed` for each user, read through `db` (inside the caller's transaction).
  async changes(db: Db, userIds: readonly string[], conversationId: string): Promise<UnreadChange[]> {
    if (userIds.length === 0) return [];
    const rows = await db.query<{ user_id: string; total: number; unread_count: number }[]>(
      `SELECT users.user_id, count(messages.part_id)::int AS total,
              count(messages.part_id) FILTER (WHERE messages.conversation_id = $2)::int AS unread_count
       FROM unnest($1::varchar[]) AS users(user_id)
       LEFT JOIN unread_messages messages ON messages.user_id = users.user_id AND NOT messages.read
       GROUP BY users.user_id ORDER BY users.user_id`,
      [[...new Set(userIds)], conversationId],
    );
    return rows.map((row) => ({ userId: row.user_id, total: row.total, conversationId, unreadCount: row.unread_count }));
  }

  async countsFor(userId: string, conversationIds: readonly string[]): Promise<Map<string, number>> {
    const summary = await this.summary(userId);
    const wanted = new Set(conversationIds);
    return new Map(summary.conversations.filter((entry) => wanted.has(entry.id)).map((entry) => [entry.id, entry.unreadCount]));
  }

  async isWarm(userId: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>('SELECT 1 FROM unread_index_users WHERE user_id = $1', [userId]);
    return rows.length > 0;
  }

  async markWarm(userId: string): Promise<void> {
    await this.dataSource.query(
      'INSERT INTO unread_index_users (user_id) VALUES ($1) ON CONFLICT (user_id) DO UPDATE SET refreshed_at = now()',
      [userId],
    );
  }
}
