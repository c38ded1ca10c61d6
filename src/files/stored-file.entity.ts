import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

// One uploaded file. The bytes live in object storage under `storageKey`; `id` is what clients see.
@Entity({ name: 'files' })
@Index('files_owner_created_idx', ['ownerId', 'createdAt'])
export class StoredFile {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'owner_id', type: 'text' })
  ownerId!: string;

  @Column({ name: 'storage_key', type: 'varchar', length: 512, unique: true })
  storageKey!: string;

  // The detected type (never the client's claim), e.g. image/png or text/plain; charset=utf-8.
  @Column({ name: 'content_type', type: 'varchar', length: 100 })
  contentType!: string;

  @Column({ type: 'integer' })
  size!: number;

  // Sanitized original name, for display and Content-Disposition only.
  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
