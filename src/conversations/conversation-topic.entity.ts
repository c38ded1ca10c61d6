import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

// A conversation opened from a topic alone: Intercom needs an opening message, so the topic is
// sent as one, and this row hides that placeholder (the conversation's source) from the customer.
@Entity('conversation_topics')
export class ConversationTopic {
  @PrimaryColumn({ name: 'conversation_id', type: 'varchar', length: 64 })
  conversationId!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 160 })
  userId!: string;

  @Column({ type: 'varchar', length: 100 })
  main!: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  sub!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
