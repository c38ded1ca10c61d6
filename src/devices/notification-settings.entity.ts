import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

// One row per user who changed anything; no row means every notification is on.
@Entity('notification_settings')
export class NotificationSettings {
  @PrimaryColumn({ name: 'user_id', type: 'text' })
  userId!: string;

  @Column({ name: 'chat_messages', type: 'boolean', default: true })
  chatMessages!: boolean;

  @Column({ name: 'ticket_updates', type: 'boolean', default: true })
  ticketUpdates!: boolean;

  @Column({ name: 'system_notices', type: 'boolean', default: true })
  systemNotices!: boolean;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
