import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';

const PRUNE_INTERVAL_MS = 10 * 60 * 1000;
const PRUNE_BATCH = 5000;

// Keeps the event log to STREAM_RETENTION_HOURS and drops expired stream tickets. Each user's
// head remembers the highest seq deleted, so a resume from before it is answered with `reset`.
// Safe on every instance at once (deletes are idempotent; the head only moves up).
@Injectable()
export class UserEventRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('UserEventRetention');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.pruneLogged(), PRUNE_INTERVAL_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  // Returns how many events were deleted.
  async prune(): Promise<number> {
    let deleted = 0;
    for (;;) {
      const [{ count }] = await this.dataSource.query<{ count: string }[]>(
        `WITH doomed AS (
           DELETE FROM user_events WHERE (user_id, seq) IN (
             SELECT user_id, seq FROM user_events WHERE created_at < now() - make_interval(hours => $1) LIMIT $2)
           RETURNING user_id, seq),
         heads AS (
           UPDATE user_event_heads AS head SET pruned_through = GREATEST(head.pruned_through, doomed_max.seq)
           FROM (SELECT user_id, max(seq) AS seq FROM doomed GROUP BY user_id) AS doomed_max
           WHERE head.user_id = doomed_max.user_id)
         SELECT count(*) AS count FROM doomed`,
        [this.config.stream.retentionHours, PRUNE_BATCH],
      );
      deleted += Number(count);
      if (Number(count) < PRUNE_BATCH) break;
    }
    await this.dataSource.query('DELETE FROM stream_tickets WHERE expires_at < now()');
    return deleted;
  }

  private async pruneLogged(): Promise<void> {
    try {
      const deleted = await this.prune();
      if (deleted > 0) this.logger.log({ deleted }, 'Pruned the event log');
    } catch (error) {
      this.logger.warn({ err: error }, 'Event log pruning failed');
    }
  }
}
