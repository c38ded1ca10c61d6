import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EventsHub } from '../events/events-hub';
import { NotificationsRepository } from './notifications.repository';

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
    private readonly repository: NotificationsRepository,
    private readonly hub: EventsHub,
  ) {}

  onApplicationBootstrap(): void {
    this.hub.onStreamsChanged((userId, open) => (open ? this.opened(userId) : this.closed(userId)));
    this.timer = setInterval(() => this.write(() => this.repository.refreshPresence(this.instanceId)), REFRESH_MS).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.local.clear();
    this.write(() => this.repository.dropInstancePresence(this.instanceId));
    await this.writes;
  }

  // Without a query: a live stream on this instance.
  isStreamingHere(userId: string): boolean {
    return this.local.has(userId);
  }

  async isStreaming(userId: string): Promise<boolean> {
    if (this.local.has(userId)) return true;
    return this.repository.streamingElsewhere(userId, this.instanceId, STALE_SECONDS);
  }

  private opened(userId: string): void {
    this.local.add(userId);
    this.write(() => this.repository.presenceOpened(userId, this.instanceId));
  }

  private closed(userId: string): void {
    this.local.delete(userId);
    this.write(() => this.repository.presenceClosed(userId, this.instanceId));
  }

  private write(statement: () => Promise<void>): void {
    this.writes = this.writes.then(statement).then(
      () => undefined,
      (error: unknown) => this.logger.warn({ err: error }, 'Could not record stream presence'),
    );
  }
}
