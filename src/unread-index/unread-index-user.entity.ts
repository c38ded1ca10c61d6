import { Column, Entity, PrimaryColumn } from 'typeorm';

// A user whose unread index has been built from Intercom once (a list view or a cold GET /api/unread);
// from then on webhooks and the user's own reads and replies keep it current without Intercom.
@Entity('unread_index_users')
export class UnreadIndexUser {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 160 })
  userId!: string;

  @Column({ name: 'refreshed_at', type: 'timestamptz', default: () => 'now()' })
  refreshedAt!: Date;
}
