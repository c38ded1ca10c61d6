import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

// One rating per (user, ticket), or per (user, conversation) when there is no ticket: partial
// unique indexes make that hold under concurrent duplicate requests.
@Entity('csat_ratings')
@Index('uq_csat_user_ticket', ['userId', 'ticketId'], { unique: true, where: '"ticket_id" IS NOT NULL' })
@Index('uq_csat_user_conversation', ['userId', 'conversationId'], { unique: true, where: '"ticket_id" IS NULL' })
@Index('ix_csat_ratings_tag_failed', ['tagFailedAt'], { where: 'tag_failed_at IS NOT NULL' })
@Check('ck_csat_stars', '"stars" BETWEEN 1 AND 5')
@Check('ck_csat_target', '"ticket_id" IS NOT NULL OR "conversation_id" IS NOT NULL')
export class CsatRating {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'text' })
  userId!: string;

  @Column({ name: 'ticket_id', type: 'varchar', length: 64, nullable: true })
  ticketId!: string | null;

  @Column({ name: 'conversation_id', type: 'varchar', length: 64, nullable: true })
  conversationId!: string | null;

  @Column({ type: 'smallint' })
  stars!: number;

  @Column({ type: 'text', nullable: true })
  comment!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  // Set when the Intercom tag was given up (a dead letter, replayable); cleared by a replay.
  @Column({ name: 'tag_failed_at', type: 'timestamptz', nullable: true })
  tagFailedAt!: Date | null;

  @Column({ name: 'tag_error', type: 'varchar', length: 500, nullable: true })
  tagError!: string | null;
}
