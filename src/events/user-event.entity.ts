import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

// The per-user event log (outbox): written in the same transaction as the effect that causes the
// event, replayed on reconnect by seq (architecture.md › Realtime). `dedupe_key` names the Intercom
// part or state change, so a redelivered webhook (or our own write and its webhook) logs it once.
@Entity('user_events')
@Index('ux_user_events_dedupe', ['userId', 'dedupeKey'], { unique: true })
@Index('ix_user_events_created', ['createdAt'])
export class UserEvent {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 160 })
  userId!: string;

  // Per user, strictly increasing in commit order (allocated under the user's user_event_heads row lock).
  @PrimaryColumn({ type: 'bigint' })
  seq!: string;

  @Column({ type: 'varchar', length: 64 })
  type!: string;

  @Column({ type: 'jsonb' })
  payload!: unknown;

  @Column({ name: 'dedupe_key', type: 'varchar', length: 200, nullable: true })
  dedupeKey!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
