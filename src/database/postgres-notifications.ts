import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Client, type Notification } from 'pg';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';

const RECONNECT_MS = 1000;
const CHANNEL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

type Listener = (payload: string) => void;

// Notifications asked for while the publisher was busy: sent together by one query.
interface Batch {
  channels: string[];
  payloads: string[];
  sent: Promise<void>;
}

// The one Postgres LISTEN/NOTIFY pair of connections per instance, shared by every feature that
// signals other instances (poll snapshot invalidations, realtime events). Outside the pool: a
// LISTEN session must stay open, and a NOTIFY must not wait behind pooled queries.
@Injectable()
export class PostgresNotifications implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('PostgresNotifications');
  private readonly listeners = new Map<string, Listener[]>();
  private readonly reconnectHandlers: (() => void)[] = [];
  private listener: Client | undefined;
  private publisher: Client | undefined;
  private stopped = false;
  private everConnected = false;
  private sending: Promise<void> = Promise.resolve();
  private next: Batch | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  // Register before the application boots (constructors): channels are LISTENed on connect.
  listen(channel: string, handler: Listener): void {
    if (!CHANNEL_NAME.test(channel)) throw new Error(`Invalid channel name ${channel}`);
    this.listeners.set(channel, [...(this.listeners.get(channel) ?? []), handler]);
  }

  // Called after the connection was lost and re-established: notifications in between are gone.
  onReconnect(handler: () => void): void {
    this.reconnectHandlers.push(handler);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    for (const client of [this.listener, this.publisher]) await client?.end().catch(() => undefined);
  }

  // One round trip for any number of payloads. Never throws: receivers catch up on their own
  // (snapshots within their freshness window, streams on their next event or reconnect).
  notify(channel: string, payloads: readonly string[]): Promise<void> {
    if (payloads.length === 0) return Promise.resolve();
    // One query at a time on the publisher (pg deprecates queueing on a busy client); what is
    // asked meanwhile goes out together in the next one, in the order asked, so under load (a
    // webhook burst) the publisher costs one round trip per batch of senders, not one per sender.
    let batch = this.next;
    if (!batch) {
      const queued: Batch = { channels: [], payloads: [], sent: Promise.resolve() };
      queued.sent = this.sending.then(() => {
        if (this.next === queued) this.next = undefined;
        return this.send(queued);
      });
      this.sending = queued.sent;
      this.next = batch = queued;
    }
    for (const payload of payloads) {
      batch.channels.push(channel);
      batch.payloads.push(payload);
    }
    return batch.sent;
  }

  private async send(batch: Batch): Promise<void> {
    if (!this.publisher) return;
    try {
      await this.publisher.query('SELECT pg_notify(channel, payload) FROM unnest($1::text[], $2::text[]) AS sent(channel, payload)', [
        batch.channels,
        batch.payloads,
      ]);
    } catch (error) {
      this.logger.warn({ err: error, channels: [...new Set(batch.channels)] }, 'Could not publish a notification');
    }
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const listener = new Client({ connectionString: this.config.database.url });
    const publisher = new Client({ connectionString: this.config.database.url });
    try {
      await Promise.all([listener.connect(), publisher.connect()]);
      listener.on('notification', (message: Notification) => this.receive(message));
      listener.on('error', () => this.reconnect());
      publisher.on('error', () => this.reconnect());
      for (const channel of this.listeners.keys()) await listener.query(`LISTEN ${channel}`);
      this.listener = listener;
      this.publisher = publisher;
      if (this.everConnected) for (const handler of this.reconnectHandlers) handler();
      this.everConnected = true;
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

  private receive(message: Notification): void {
    if (message.payload === undefined) return;
    for (const handler of this.listeners.get(message.channel) ?? []) handler(message.payload);
  }
}
