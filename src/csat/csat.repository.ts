import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface GivenUpTag {
  id: string;
  conversation_id: string;
  tag_error: string | null;
  tag_failed_at: Date;
}

// Owner of csat_ratings and complaints: all their SQL lives here.
@Injectable()
export class CsatRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  // The new rating's id; undefined for a duplicate (one rating per user and target).
  async insertRating(rating: {
    userId: string;
    ticketId: string | null;
    conversationId: string | null;
    stars: number;
    comment: string | null;
  }): Promise<string | undefined> {
    const [row] = await this.dataSource.query<{ id: string }[]>(
      `INSERT INTO csat_ratings (user_id, ticket_id, conversation_id, stars, comment) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING RETURNING id`,
      [rating.userId, rating.ticketId, rating.conversationId, rating.stars, rating.comment],
    );
    return row?.id;
  }

  async ratedTicketIds(userId: string, ticketIds: readonly string[]): Promise<string[]> {
    const rows = await this.dataSource.query<{ ticket_id: string }[]>(
      'SELECT ticket_id FROM csat_ratings WHERE user_id = $1 AND ticket_id = ANY($2)',
      [userId, ticketIds],
    );
    return rows.map((row) => row.ticket_id);
  }

  async ratedConversationIds(userId: string, conversationIds: readonly string[]): Promise<string[]> {
    const rows = await this.dataSource.query<{ conversation_id: string }[]>(
      'SELECT DISTINCT conversation_id FROM csat_ratings WHERE user_id = $1 AND conversation_id = ANY($2)',
      [userId, conversationIds],
    );
    return rows.map((row) => row.conversation_id);
  }

  async ratingForConversation(
    userId: string,
    conversationId: string,
  ): Promise<{ stars: number; comment: string | null; created_at: Date } | undefined> {
    const [row] = await this.dataSource.query<{ stars: number; comment: string | null; created_at: Date }[]>(
      'SELECT stars, comment, created_at FROM csat_ratings WHERE user_id = $1 AND conversation_id = $2 ORDER BY created_at LIMIT 1',
      [userId, conversationId],
    );
    return row;
  }

  // Clears a given-up tag of a conversation rating; its rater and conversation, if there was one.
  async clearGivenUp(ratingId: string): Promise<{ user_id: string; conversation_id: string } | undefined> {
    const [rating] = await this.dataSource.query<{ user_id: string; conversation_id: string }[]>(
      `WITH replayed AS (
         UPDATE csat_ratings SET tag_failed_at = NULL, tag_error = NULL
         WHERE id = $1 AND tag_failed_at IS NOT NULL AND conversation_id IS NOT NULL RETURNING user_id, conversation_id)
       SELECT user_id, conversation_id FROM replayed`,
      [ratingId],
    );
    return rating;
  }

  async markGivenUp(ratingId: string, detail: string): Promise<void> {
    await this.dataSource.query('UPDATE csat_ratings SET tag_failed_at = now(), tag_error = $2 WHERE id = $1', [ratingId, detail]);
  }

  async deleteRating(ratingId: string): Promise<void> {
    await this.dataSource.query('DELETE FROM csat_ratings WHERE id = $1', [ratingId]);
  }

  // Dead letters, oldest first (a partial index holds exactly those rows).
  givenUp(limit: number): Promise<GivenUpTag[]> {
    return this.dataSource.query<GivenUpTag[]>(
      'SELECT id, conversation_id, tag_error, tag_failed_at FROM csat_ratings WHERE tag_failed_at IS NOT NULL ORDER BY tag_failed_at LIMIT $1',
      [limit],
    );
  }

  async countGivenUp(): Promise<number> {
    const [row] = await this.dataSource.query<{ failed: number }[]>(
      'SELECT count(*)::int AS failed FROM csat_ratings WHERE tag_failed_at IS NOT NULL',
    );
    return row.failed;
  }

  async insertComplaint(complaint: {
    userId: string;
    category: string;
    description: string;
    chatId: string | null;
    dialogId: string | null;
  }): Promise<string> {
    const [row] = await this.dataSource.query<{ id: string }[]>(
      'INSERT INTO complaints (user_id, category, description, chat_id, dialog_id) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [complaint.userId, complaint.category, complaint.description, complaint.chatId, complaint.dialogId],
    );
    return row.id;
  }
}
