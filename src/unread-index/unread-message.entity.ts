import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

// The unread index: one row per (user, conversation, operator/bot message). A row is unread until
// the user reads (or replies after) it; read rows stay so that a redelivered webhook carrying the
// same part cannot make it unread again (the insert is ON CONFLICT DO NOTHING).
@Entity('unread_messages')
@Index('ix_unread_messages_unread', ['userId', 'conversationId'], { where: 'NOT read' })
export class UnreadMessage {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 160 })
  userId!: string;

  @PrimaryColumn({ name: 'conversation_id', type: 'varchar', length: 64 })
  conversationId!: string;

  @PrimaryColumn({ name: 'part_id', type: 'varchar', length: 64 })
  partId!: string;

  // Unix ms of the message (Intercom's second, or the snapshot's ms within it).
  @Column({ name: 'created_at', type: 'bigint', transformer: { to: (value: number) => value, from: (value: string) => Number(value) } })
  createdAt!: number;

  @Column({ type: 'boolean', default: false })
  read!: boolean;
}
