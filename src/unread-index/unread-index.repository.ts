import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Db } from '../database/db';

export interface MessageColumns {
  partIds: string[];
  // Unix ms.
  createdAts: number[];
}

// Owner of unread_messages, unread_index_users and conversation_reads (the read marks): all their
// SQL lives here. Methods that take a `db` run inside the caller's transaction.
@Injectable()
export class UnreadIndexRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (db: Db) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  // A message from a second before the user's read mark goes in as read. Returns the new rows.
  insertMessages(
    db: Db = this.dataSource,
    userIds: readonly string[],
    conversationId: string,
    messages: MessageColumns,
  ): Promise<{ user_id: string; read: boolean }[]> {
    return db.query<{ user_id: string; read: boolean }[]>(
      `INSERT INTO unread_messages (user_id, conversation_id, part_id, created_at, read)
       SELECT users.user_id, $2, messages.part_id, messages.created_at, messages.created_at / 1000 < COALESCE(reads.read_up_to / 1000, -1)
       FROM unnest($1::varchar[]) AS users(user_id)
       CROSS JOIN unnest($3::varchar[], $4::bigint[]) AS messages(part_id, created_at)
       LEFT JOIN conversation_reads reads ON reads.user_id = users.user_id AND reads.conversation_id = $2
       ON CONFLICT DO NOTHING
       RETURNING user_id, read`,
      [userIds, conversationId, messages.partIds, messages.createdAts],
    );
  }

  // insertMessages, then counts for the users whose unread count grew, in one statement: the
  // counts read the rows as they were before it (a statement does not see its own inserts) plus
  // the unread rows it inserted, all of them in this conversation.
  insertMessagesCounted(
    db: Db,
    userIds: readonly string[],
    conversationId: string,
    messages: MessageColumns,
  ): Promise<{ user_id: string; total: number; unread_count: number }[]> {
    return db.query<{ user_id: string; total: number; unread_count: number }[]>(
      `WITH added AS (
         INSERT INTO unread_messages (user_id, conversation_id, part_id, created_at, read)
         SELECT users.user_id, $2, messages.part_id, messages.created_at, messages.created_at / 1000 < COALESCE(reads.read_up_to / 1000, -1)
         FROM unnest($1::varchar[]) AS users(user_id)
         CROSS JOIN unnest($3::varchar[], $4::bigint[]) AS messages(part_id, created_at)
         LEFT JOIN conversation_reads reads ON reads.user_id = users.user_id AND reads.conversation_id = $2
         ON CONFLICT DO NOTHING
         RETURNING user_id, read),
       grew AS (SELECT user_id, count(*)::int AS added FROM added WHERE NOT read GROUP BY user_id)
       SELECT grew.user_id,
              grew.added + (SELECT count(*)::int FROM unread_messages messages WHERE messages.user_id = grew.user_id AND NOT messages.read) AS total,
              grew.added + (SELECT count(*)::int FROM unread_messages messages
                            WHERE messages.user_id = grew.user_id AND messages.conversation_id = $2 AND NOT messages.read) AS unread_count
       FROM grew ORDER BY grew.user_id`,
      [userIds, conversationId, messages.partIds, messages.createdAts],
    );
  }

  // Inserts or flips to read; whether anything unread became read.
  async markSeen(db: Db, userId: string, conversationId: string, messages: MessageColumns): Promise<boolean> {
    const rows = await db.query<{ was_unread: boolean }[]>(
      `INSERT INTO unread_messages (user_id, conversation_id, part_id, created_at, read)
       SELECT $1, $2, messages.part_id, messages.created_at, true
       FROM unnest($3::varchar[], $4::bigint[]) AS messages(part_id, created_at)
       ON CONFLICT (user_id, conversation_id, part_id) DO UPDATE SET read = true WHERE NOT unread_messages.read
       RETURNING (xmax <> 0) AS was_unread`,
      [userId, conversationId, messages.partIds, messages.createdAts],
    );
    return rows.some((row) => row.was_unread);
  }

  async markSeenUpTo(db: Db, userId: string, conversationId: string, upToMs: number): Promise<boolean> {
    // TypeORM's postgres driver answers an UPDATE with [rows, affectedCount].
    const [, affected] = await db.query<[unknown, number]>(
      'UPDATE unread_messages SET read = true WHERE user_id = $1 AND conversation_id = $2 AND NOT read AND created_at <= $3',
      [userId, conversationId, upToMs],
    );
    return affected > 0;
  }

  unreadByConversation(userId: string, db: Db = this.dataSource): Promise<{ conversation_id: string; unread: number }[]> {
    return db.query<{ conversation_id: string; unread: number }[]>(
      `SELECT conversation_id, count(*)::int AS unread FROM unread_messages
       WHERE user_id = $1 AND NOT read GROUP BY conversation_id ORDER BY conversation_id`,
      [userId],
    );
  }

  // Each user's total and this conversation's unread count.
  counts(db: Db, userIds: readonly string[], conversationId: string): Promise<{ user_id: string; total: number; unread_count: number }[]> {
    return db.query<{ user_id: string; total: number; unread_count: number }[]>(
      `SELECT users.user_id, count(messages.part_id)::int AS total,
              count(messages.part_id) FILTER (WHERE messages.conversation_id = $2)::int AS unread_count
       FROM unnest($1::varchar[]) AS users(user_id)
       LEFT JOIN unread_messages messages ON messages.user_id = users.user_id AND NOT messages.read
       GROUP BY users.user_id ORDER BY users.user_id`,
      [userIds, conversationId],
    );
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

  async setReadMark(db: Db, userId: string, conversationId: string, readUpTo: number): Promise<void> {
    await db.query(
      `INSERT INTO conversation_reads (user_id, conversation_id, read_up_to) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, conversation_id) DO UPDATE SET read_up_to = EXCLUDED.read_up_to, updated_at = now()`,
      [userId, conversationId, readUpTo],
    );
  }
}
