import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { EventsHub } from '../events/events-hub';

const REFRESH_MS = 10_000;
// A row not refreshed for this long belongs to an instance that died with its streams.
const STALE_SECONDS = 30;

// Who has a live event stream open, on any instance (PUSH_SUPPRESS_WHILE_STREAMING). This
// instance's hub knows its own streams exactly; the others' are rows in stream_presence, written
// when a user's first stream opens here and deleted when the last one closes, refreshed while
// open so that the rows of a crashed instance expire.
@Injectable()
export class StreamPresence implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('StreamPresence');
  private readonly instanceId = randomUUID();
  private readonly local = new Set<string>();
  // Presence writes in order (an open and a close of one user must not overtake each other).
  private writes: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly hub: EventsHub,
  ) {}

  onApplicationBootstrap(): void {
    this.hub.onStreamsChanged((userId, open) => (open ? this.opened(userId) : this.closed(userId)));
    this.timer = setInterval(
      () => this.write('UPDATE stream_presence SET refreshed_at = now() WHERE instance_id = $1', [this.instanceId]),
      REFRESH_MS,
    ).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.local.clear();
    this.write('DELETE FROM stream_presence WHERE instance_id = $1', [this.instanceId]);
    await this.writes;
  }

  async isStreaming(userId: string): Promise<boolean> {
    if (this.local.has(userId)) return true;
    const rows = await this.dataSource.query<unknown[]>(
      `SELECT 1 FROM stream_presence WHERE user_id = $1 AND instance_id <> $2
         AND refreshed_at > now() - make_interval(secs => $3) LIMIT 1`,
      [userId, this.instanceId, STALE_SECONDS],
    );
    return rows.length > 0;
  }

  private opened(userId: string): void {
    this.local.add(userId);
    this.write(
      `INSERT INTO stream_presence (user_id, instance_id) VALUES ($1, $2)
       ON CONFLICT (user_id, instance_id) DO UPDATE SET refreshed_at = now()`,
      [userId, this.instanceId],
    );
  }

  private closed(userId: string): void {
    this.local.delete(userId);
    this.write('DELETE FROM stream_presence WHERE user_id = $1 AND instance_id = $2', [userId, this.instanceId]);
  }

  private write(sql: string, parameters: unknown[]): void {
    this.writes = this.writes
      .then(() => this.dataSource.query(sql, parameters))
      .then(
        () => undefined,
        (error: unknown) => this.logger.warn({ err: error }, 'Could not record stream presence'),
      );
  }
}
