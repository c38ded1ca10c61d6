import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Client, type Notification } from 'pg';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';

const CHANNEL = 'conversation_snapshot_invalidations';
const RECONNECT_MS = 1000;

// Carries "conversation X changed" between instances through Postgres LISTEN/NOTIFY, so scaling
// out needs nothing but the database we already have.
@Injectable()
export class SnapshotInvalidationBus implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SnapshotInvalidations');
  private readonly instanceId = randomUUID();
  private listener: Client | undefined;
  private publisher: Client | undefined;
  private handler: (conversationId: string) => void = () => undefined;
  private stopped = false;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onInvalidation(handler: (conversationId: string) => void): void {
    this.handler = handler;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    for (const client of [this.listener, this.publisher]) await client?.end().catch(() => undefined);
  }

  async publish(conversationId: string): Promise<void> {
    try {
      await this.publisher?.query('SELECT pg_notify($1, $2)', [CHANNEL, `${this.instanceId}:${conversationId}`]);
    } catch (error) {
      // Other instances then catch up within their freshness window.
      this.logger.warn({ err: error }, 'Could not publish a snapshot invalidation');
    }
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const listener = new Client({ connectionString: this.config.database.url });
    const publisher = new Client({ connectionString: this.config.database.url });
    try {
      await Promise.all([listener.connect(), publisher.connect()]);
      listener.on('notification', (message: Notification) => this.receive(message.payload));
      listener.on('error', () => this.reconnect());
      publisher.on('error', () => this.reconnect());
      await listener.query(`LISTEN ${CHANNEL}`);
      this.listener = listener;
      this.publisher = publisher;
    } catch (error) {
      this.logger.warn({ err: error }, 'LISTEN connection failed; retrying');
      await Promise.all([listener.end(), publisher.end()].map((closing) => closing.catch(() => undefined)));
      setTimeout(() => void this.connect(), RECONNECT_MS).unref();
    }
  }

  private reconnect(): void {
    if (!this.listener && !this.publisher) return; // both clients report the same outage
    const old = [this.listener, this.publisher];
    this.listener = this.publisher = undefined;
    for (const client of old) void client?.end().catch(() => undefined);
    if (!this.stopped) setTimeout(() => void this.connect(), RECONNECT_MS).unref();
  }

  private receive(payload: string | undefined): void {
    const separator = payload?.indexOf(':') ?? -1;
    if (!payload || separator < 0) return;
    if (payload.slice(0, separator) === this.instanceId) return;
    this.handler(payload.slice(separator + 1));
  }
}
