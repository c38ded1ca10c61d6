import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type ClientMessageState = 'pending' | 'done';

// One row per (user, clientMessageId): the unique key makes retries — even racing ones — safe.
@Entity('client_messages')
@Index('uq_client_messages_user_client_id', ['userId', 'clientMessageId'], { unique: true })
@Index('ix_client_messages_target', ['targetId'])
export class ClientMessage {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 160 })
  userId!: string;

  @Column({ name: 'client_message_id', type: 'varchar', length: 128 })
  clientMessageId!: string;

  // What the id was used for, e.g. "conversation.reply"; a reuse for something else is a conflict.
  @Column({ type: 'varchar', length: 32 })
  scope!: string;

  @Column({ name: 'target_id', type: 'varchar', length: 64, nullable: true })
  targetId!: string | null;

  @Column({ name: 'part_id', type: 'varchar', length: 64, nullable: true })
  partId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  state!: ClientMessageState;

  @Column({ type: 'jsonb', nullable: true })
  result!: unknown;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
