import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { PeriodicTask } from '../common/periodic-task';
import { FilesRepository } from './files.repository';
import { OBJECT_STORAGE, type ObjectStorage } from './storage/object-storage';

const SWEEP_INTERVAL_MS = 10 * 60 * 1000;
const SWEEP_BATCH = 200;
// Object deletions in flight at once (S3 DELETE or unlink).
const DELETE_CONCURRENCY = 8;

// Deletes uploads never attached to a message once they are FILES_UNATTACHED_RETENTION_HOURS old:
// the row is claimed first (discarded_at: from then on it can no longer be attached or
// downloaded), then the object is deleted, then the row. No transaction spans a storage call; a
// crash in between leaves a claimed row that the next sweep finishes (object deletes are
// idempotent), never an object without a row. Safe on every instance at once.
@Injectable()
export class FilesRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('FilesRetention');
  private readonly task = new PeriodicTask('Expired upload sweep', SWEEP_INTERVAL_MS, () => this.sweepLogged(), this.logger);

  constructor(
    private readonly repository: FilesRepository,
    @Inject(OBJECT_STORAGE) private readonly storage: ObjectStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  // Returns how many files were deleted.
  async sweep(): Promise<number> {
    await this.repository.claimUnattached(this.config.files.unattachedRetentionHours);
    let deleted = 0;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const claimed = await this.repository.claimedAfter(after, SWEEP_BATCH);
      if (claimed.length === 0) break;
      after = claimed[claimed.length - 1].id;
      const gone: string[] = [];
      for (let index = 0; index < claimed.length; index += DELETE_CONCURRENCY) {
        await Promise.all(
          claimed.slice(index, index + DELETE_CONCURRENCY).map(async (file) => {
            try {
              await this.storage.delete(file.storage_key);
              gone.push(file.id);
            } catch (error) {
              // The row stays claimed: the next sweep tries again.
              this.logger.warn({ err: error, fileId: file.id }, 'Could not delete an expired upload');
            }
          }),
        );
      }
      if (gone.length > 0) deleted += await this.repository.deleteClaimed(gone);
      if (claimed.length < SWEEP_BATCH) break;
    }
    return deleted;
  }

  private async sweepLogged(): Promise<void> {
    const deleted = await this.sweep();
    if (deleted > 0) this.logger.log({ deleted }, 'Deleted uploads never attached to a message');
  }
}
