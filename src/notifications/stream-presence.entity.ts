import { Column, Entity, PrimaryColumn } from 'typeorm';

// A user with a live event stream on an instance (PUSH_SUPPRESS_WHILE_STREAMING across instances).
@Entity('stream_presence')
export class StreamPresenceRow {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 160 })
  userId!: string;

  @PrimaryColumn({ name: 'instance_id', type: 'uuid' })
  instanceId!: string;

  @Column({ name: 'refreshed_at', type: 'timestamptz', default: () => 'now()' })
  refreshedAt!: Date;
}
