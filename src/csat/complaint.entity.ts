import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const COMPLAINT_CATEGORIES = ['funds', 'security', 'operator', 'technical', 'other'] as const;
export type ComplaintCategory = (typeof COMPLAINT_CATEGORIES)[number];

@Entity('complaints')
@Index('ix_complaints_user_created', ['userId', 'createdAt'])
@Check('ck_complaints_category', `"category" IN ('funds', 'security', 'operator', 'technical', 'other')`)
export class Complaint {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'text' })
  userId!: string;

  @Column({ type: 'varchar', length: 16 })
  category!: ComplaintCategory;

  @Column({ type: 'text' })
  description!: string;

  @Column({ name: 'chat_id', type: 'varchar', length: 128, nullable: true })
  chatId!: string | null;

  @Column({ name: 'dialog_id', type: 'varchar', length: 128, nullable: true })
  dialogId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
