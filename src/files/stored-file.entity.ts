import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

// One uploaded file. The bytes live in object storage under `storageKey`; `id` is what clients see.
@Entity({ name: 'files' })
@Index('files_owner_created_idx', ['ownerId', 'createdAt'])
// The retention sweep's scan: uploads never attached, oldest first.
@Index('files_unattached_created_idx', ['createdAt'], { where: '"attached_at" IS NULL' })
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

  // First handed out as a message attachment (a signed link Intercom fetches). Never attached =
  // deleted after FILES_UNATTACHED_RETENTION_HOURS (FilesRetention).
  @Column({ name: 'attached_at', type: 'timestamptz', nullable: true })
  attachedAt!: Date | null;

  // Claimed by the retention sweep, which deletes the object and then the row: from here on the
  // file can no longer be attached or downloaded.
  @Column({ name: 'discarded_at', type: 'timestamptz', nullable: true })
  discardedAt!: Date | null;
}
