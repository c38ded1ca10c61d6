import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

export type PushDeliveryStatus = 'pending' | 'sent' | 'suppressed' | 'failed';

// The decision to push, one row per (user, Intercom part or state change): written in the same
// transaction as the webhook's other effects, so a redelivery under a new notification id, a
// retried batch or a second instance finds the row and decides nothing new. Sent after commit by
// whoever holds the claim (claimed_until); a claim that runs out (crashed sender) is taken over.
@Entity('push_deliveries')
@Unique('uq_push_deliveries_user_source', ['userId', 'sourceKey'])
@Index('ix_push_deliveries_pending', ['claimedUntil'], { where: "status = 'pending'" })
export class PushDelivery {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 160 })
  userId!: string;

  // `conversation:<id>:part:<part id>`, `ticket:<id>:part:<part id>` or `ticket:<id>:state:<state>:<updated_at>`.
  @Column({ name: 'source_key', type: 'varchar', length: 200 })
  sourceKey!: string;

  // What to send: title, body and the deep-link data, rendered in the user's language at decision time.
  @Column({ type: 'jsonb' })
  content!: unknown;

  // The stream event (user_events seq) of the same change: the push's data.eventId.
  @Column({ name: 'event_id', type: 'bigint', nullable: true })
  eventId!: string | null;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status!: PushDeliveryStatus;

  // Claims taken (the first by the deciding worker); a delivery is given up after PUSH_MAX_CLAIMS.
  @Column({ type: 'int', default: 1 })
  claims!: number;

  @Column({ name: 'claimed_until', type: 'timestamptz' })
  claimedUntil!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
