import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

// Our user id ↔ the Intercom contact whose external_id is that user id: one lookup per user, ever.
@Entity('intercom_contacts')
export class IntercomContact {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 160 })
  userId!: string;

  @Column({ name: 'contact_id', type: 'varchar', length: 64 })
  contactId!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
