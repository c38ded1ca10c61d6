import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

// Single-use tickets for EventSource (which cannot send headers). Only a hash is stored; in
// Postgres so a ticket issued by one instance works on another, and is used once across all.
@Entity('stream_tickets')
@Index('ix_stream_tickets_expires', ['expiresAt'])
export class StreamTicket {
  @PrimaryColumn({ name: 'ticket_hash', type: 'varchar', length: 64 })
  ticketHash!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 160 })
  userId!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
