import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Db } from '../database/db';

// A stored file as the service handles it (the row, less its timestamps).
export interface FileRecord {
  id: string;
  ownerId: string;
  storageKey: string;
  contentType: string;
  size: number;
  name: string;
}

interface FileRow {
  id: string;
  owner_id: string;
  storage_key: string;
  content_type: string;
  size: number;
  name: string;
}

// Rolls back attachAll's transaction when not every file is found.
class NotAllFound extends Error {}

// Owner of files: all its SQL lives here.
@Injectable()
export class FilesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  // A file not claimed by the retention sweep; only the owner's when ownerId is given.
  async findLive(id: string, ownerId?: string): Promise<FileRecord | undefined> {
    const [row] = await this.dataSource.query<FileRow[]>(
      `SELECT id, owner_id, storage_key, content_type, size, name FROM files
       WHERE id = $1 AND ($2::text IS NULL OR owner_id = $2) AND discarded_at IS NULL LIMIT 1`,
      [id, ownerId ?? null],
    );
    return (
      row && {
        id: row.id,
        ownerId: row.owner_id,
        storageKey: row.storage_key,
        contentType: row.content_type,
        size: row.size,
        name: row.name,
      }
    );
  }

  // Bytes of the owner's files, except those the retention sweep is deleting.
  async usedBytes(ownerId: string, db: Db = this.dataSource): Promise<number> {
    const [row] = await db.query<{ used: string }[]>(
      'SELECT coalesce(sum(size), 0) AS used FROM files WHERE owner_id = $1 AND discarded_at IS NULL',
      [ownerId],
    );
    return Number(row.used);
  }

  // Inserts the files unless they would take the owner past quotaBytes (checked under a per-user
  // lock, for uploads running in parallel); whether they were inserted.
  insertWithinQuota(ownerId: string, files: readonly FileRecord[], quotaBytes: number): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`files.quota:${ownerId}`]);
      const adding = files.reduce((total, file) => total + file.size, 0);
      if ((await this.usedBytes(ownerId, manager)) + adding > quotaBytes) return false;
      await manager.query(
        `INSERT INTO files (id, owner_id, storage_key, content_type, size, name)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::varchar[], $4::varchar[], $5::integer[], $6::varchar[])`,
        [
          files.map((file) => file.id),
          files.map((file) => file.ownerId),
          files.map((file) => file.storageKey),
          files.map((file) => file.contentType),
          files.map((file) => file.size),
          files.map((file) => file.name),
        ],
      );
      return true;
    });
  }

  // Marks the owner's files attached (once); all or none: undefined, and nothing marked, unless
  // every id is a live file of the owner.
  async attachAll(ids: readonly string[], ownerId: string): Promise<{ id: string; content_type: string; name: string }[] | undefined> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const [rows] = await manager.query<[{ id: string; content_type: string; name: string }[], number]>(
          `UPDATE files SET attached_at = coalesce(attached_at, now())
           WHERE id = ANY($1::uuid[]) AND owner_id = $2 AND discarded_at IS NULL RETURNING id, content_type, name`,
          [ids, ownerId],
        );
        if (rows.length !== ids.length) throw new NotAllFound();
        return rows;
      });
    } catch (error) {
      if (error instanceof NotAllFound) return undefined;
      throw error;
    }
  }

  // The retention sweep's claim: uploads never attached, older than the retention.
  async claimUnattached(retentionHours: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE files SET discarded_at = now() WHERE id IN (
         SELECT id FROM files WHERE attached_at IS NULL AND discarded_at IS NULL
           AND created_at < now() - make_interval(hours => $1)
         FOR UPDATE SKIP LOCKED)`,
      [retentionHours],
    );
  }

  claimedAfter(after: string, limit: number): Promise<{ id: string; storage_key: string }[]> {
    return this.dataSource.query<{ id: string; storage_key: string }[]>(
      'SELECT id, storage_key FROM files WHERE discarded_at IS NOT NULL AND id > $1 ORDER BY id LIMIT $2',
      [after, limit],
    );
  }

  // Returns how many claimed rows were deleted.
  async deleteClaimed(ids: readonly string[]): Promise<number> {
    const [, count] = await this.dataSource.query<[unknown[], number]>(
      'DELETE FROM files WHERE id = ANY($1::uuid[]) AND discarded_at IS NOT NULL',
      [ids],
    );
    return count;
  }
}
