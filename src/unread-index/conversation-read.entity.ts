import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

// The user's read mark per conversation: operator/bot messages after it are unread.
@Entity('conversation_reads')
export class ConversationRead {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 160 })
  userId!: string;

  @PrimaryColumn({ name: 'conversation_id', type: 'varchar', length: 64 })
  conversationId!: string;

  // Unix ms of the newest message the user has seen.
  @Column({ name: 'read_up_to', type: 'bigint', transformer: { to: (value: number) => value, from: (value: string) => Number(value) } })
  readUpTo!: number;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
