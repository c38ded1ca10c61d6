import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { PeriodicTask } from '../common/periodic-task';
import { EventsRepository } from './events.repository';

const PRUNE_INTERVAL_MS = 10 * 60 * 1000;
const PRUNE_BATCH = 5000;

// Keeps the event log to STREAM_RETENTION_HOURS and drops expired stream tickets. Each user's
// head remembers the highest seq deleted, so a resume from before it is answered with `reset`.
// Safe on every instance at once (deletes are idempotent; the head only moves up).
@Injectable()
export class UserEventRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('UserEventRetention');
  private readonly task = new PeriodicTask('Event log pruning', PRUNE_INTERVAL_MS, () => this.pruneLogged(), this.logger);

  constructor(
    private readonly repository: EventsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  // Returns how many events were deleted.
  async prune(): Promise<number> {
    let deleted = 0;
    for (;;) {
      const count = await this.repository.pruneBatch(this.config.stream.retentionHours, PRUNE_BATCH);
      deleted += count;
      if (count < PRUNE_BATCH) break;
    }
    await this.repository.deleteExpiredTickets();
    return deleted;
  }

  private async pruneLogged(): Promise<void> {
    const deleted = await this.prune();
    if (deleted > 0) this.logger.log({ deleted }, 'Pruned the event log');
  }
}
