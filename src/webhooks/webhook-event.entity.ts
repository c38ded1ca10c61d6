import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

// The durable inbox and, at once, the work queue of Intercom notifications: a row is written before
// the webhook is acknowledged (unique on Intercom's notification id, so redeliveries collapse), and
// workers claim due rows with FOR UPDATE SKIP LOCKED until processed_at or failed_at is set.
@Entity('webhook_events')
@Index('ix_webhook_events_due', ['nextAttemptAt'], { where: 'processed_at IS NULL AND failed_at IS NULL' })
@Index('ix_webhook_events_processed', ['processedAt'], { where: 'processed_at IS NOT NULL' })
@Index('ix_webhook_events_failed', ['failedAt'], { where: 'failed_at IS NOT NULL' })
export class WebhookEvent {
  @PrimaryColumn({ type: 'varchar', length: 128 })
  id!: string;

  @Column({ type: 'varchar', length: 128 })
  topic!: string;

  @Column({ type: 'jsonb' })
  payload!: unknown;

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt!: Date;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt!: Date;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError!: string | null;

  @Column({ name: 'processed_at', type: 'timestamptz', nullable: true })
  processedAt!: Date | null;

  @Column({ name: 'failed_at', type: 'timestamptz', nullable: true })
  failedAt!: Date | null;
}
