import type { Socket } from 'node:net';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { MetricsService } from '../metrics/metrics.service';
import { EVENT_BUS, type EventBus, type UserHead } from './event-bus';
import { type CloseReason, StreamConnection } from './stream-connection';
import type { AppendedUserEvent, LoggedEvent } from './stream-event';
import { UserEventsService } from './user-events.service';

const PAGE = 500;
const READ_RETRY_MS = 1000;
// Users whose new rows one live-delivery query reads.
const READ_USERS = 200;
// Heartbeats written before the event loop may turn.
const HEARTBEAT_SLICE = 250;

// What this instance follows for one user with open streams.
interface UserStreams {
  userId: string;
  connections: StreamConnection[]; // oldest first
  // The highest seq the hub has read for live delivery.
  cursor: number;
}

// Where a new stream starts: after `start`, with a `reset` first when the client's id is unusable.
export interface StreamStart {
  start: number;
  reset: boolean;
}

// The in-process hub (architecture.md › Realtime): one per instance, a Map of user → open streams.
// A bus head for a user with streams here marks the user due; one query at a time reads the new
// rows of every due user (not one per connection, nor one per user: a webhook batch commits events
// for many users at once), each event serialised once and written to each live stream. A new
// stream replays from the log itself, then joins live delivery without a gap or a repeat (seq
// comparisons).
@Injectable()
export class EventsHub implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('EventsHub');
  private readonly users = new Map<string, UserStreams>();
  // Users with rows to read for live delivery, and whether that read is under way.
  private readonly due = new Set<UserStreams>();
  private reading = false;
  private beating = false;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private connectionCount = 0;
  private eventsSent = 0;
  private stopping = false;
  // Told when a user's first stream opens here and when their last one closes (push suppression).
  private readonly presenceListeners: ((userId: string, open: boolean) => void)[] = [];

  constructor(
    private readonly log: UserEventsService,
    @Inject(EVENT_BUS) bus: EventBus,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    metrics.onScrape(() => metrics.streamConnections.set(this.connectionCount));
    bus.subscribe((head) => this.onHead(head));
    // Notifications may have been lost: every followed user is read again.
    bus.onGap(() => {
      for (const streams of this.users.values()) this.markDue(streams);
    });
  }

  // Open streams on this instance (also the stream_connections gauge).
  get openConnections(): number {
    return this.connectionCount;
  }

  // Events written to streams since boot (also stream_events_total, by type).
  get deliveredEvents(): number {
    return this.eventsSent;
  }

  onStreamsChanged(listener: (userId: string, open: boolean) => void): void {
    this.presenceListeners.push(listener);
  }

  connectionsOf(userId: string): number {
    return this.users.get(userId)?.connections.length ?? 0;
  }

  onApplicationBootstrap(): void {
    // One timer for every stream: 10,000 streams cost one wake-up per interval, not 10,000 timers.
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.config.stream.heartbeatMs).unref();
  }

  // In slices, the event loop turning between them: 10,000 socket writes in one go held it for
  // ~200 ms, and every webhook acknowledged or event delivered meanwhile waited (docs/benchmarks.md).
  private async heartbeat(): Promise<void> {
    if (this.beating) return;
    this.beating = true;
    try {
      let written = 0;
      for (const streams of [...this.users.values()]) {
        for (const connection of streams.connections) connection.heartbeat();
        written += streams.connections.length;
        if (written < HEARTBEAT_SLICE) continue;
        written = 0;
        await new Promise((resolve) => setImmediate(resolve));
        if (this.stopping) return;
      }
    } finally {
      this.beating = false;
    }
  }

  // Streams end cleanly before the HTTP server closes; clients reconnect to another instance.
  beforeApplicationShutdown(): void {
    this.stopping = true;
    clearInterval(this.heartbeatTimer);
    for (const streams of [...this.users.values()]) for (const connection of [...streams.connections]) connection.end('shutdown');
  }

  onApplicationShutdown(): void {
    this.users.clear();
  }

  // Decides where a stream resumes from the client's last id (before any byte is sent).
  async plan(userId: string, lastEventId: number | undefined): Promise<StreamStart> {
    const head = await this.log.head(userId);
    if (lastEventId === undefined) return { start: head.lastSeq, reset: false };
    // Past retention (or an id this user never had): the client refetches and goes on from here.
    if (lastEventId < head.prunedThrough || lastEventId > head.lastSeq) return { start: head.lastSeq, reset: true };
    return { start: lastEventId, reset: false };
  }

  // Takes over a stream's socket, its head written: retry, reset if due, replay, then live.
  async attach(userId: string, socket: Socket, plan: StreamStart): Promise<void> {
    if (this.stopping) {
      socket.end(() => socket.destroy());
      return;
    }
    const connection = new StreamConnection(userId, socket, this.config.stream.maxBufferBytes, plan.start);
    let streams = this.users.get(userId);
    if (!streams) {
      streams = { userId, connections: [], cursor: plan.start };
      this.users.set(userId, streams);
      for (const listener of this.presenceListeners) listener(userId, true);
    }
    // At most STREAM_MAX_PER_USER here: the newest wins, the oldest ends (its client may resume).
    while (streams.connections.length >= this.config.stream.maxPerUser) streams.connections[0].end('replaced');
    streams.connections.push(connection);
    this.connectionCount += 1;
    connection.whenClosed((closed, reason) => this.detach(closed, reason));
    connection.write(`retry: ${this.config.stream.retryMs}\n\n`);
    if (plan.reset) connection.sendReset(plan.start);
    try {
      await this.replay(connection, streams);
    } catch (error) {
      this.logger.warn({ err: error, userId }, 'Stream replay failed; closing the stream');
      connection.end('error');
    }
  }

  private async replay(connection: StreamConnection, streams: UserStreams): Promise<void> {
    for (;;) {
      if (connection.closed) return;
      const events = await this.log.after(connection.userId, connection.lastSent, PAGE);
      for (const event of events) {
        await connection.paced();
        connection.sendEvent(event);
        this.counted(event.type);
      }
      // Caught up with what the hub has read: from here on the hub delivers (same tick, no gap).
      if (events.length < PAGE && connection.lastSent >= streams.cursor) break;
      if (events.length === 0) break;
    }
    connection.live = true;
  }

  private counted(type: string): void {
    this.eventsSent += 1;
    this.metrics.streamEvents.inc({ type });
  }

  private detach(connection: StreamConnection, reason: CloseReason): void {
    this.connectionCount -= 1;
    const streams = this.users.get(connection.userId);
    if (!streams) return;
    streams.connections = streams.connections.filter((candidate) => candidate !== connection);
    if (streams.connections.length === 0) {
      this.users.delete(connection.userId);
      for (const listener of this.presenceListeners) listener(connection.userId, false);
    }
    if (reason === 'backpressure') this.logger.warn({ userId: connection.userId }, 'Dropped a stream that stopped reading');
  }

  private onHead(head: UserHead): void {
    const streams = this.users.get(head.userId);
    if (streams && head.seq > streams.cursor) this.markDue(streams);
  }

  // The read starts on the next turn of the event loop, so that the heads of one commit (and any
  // others arriving meanwhile) share it.
  private markDue(streams: UserStreams): void {
    this.due.add(streams);
    if (this.reading) return;
    this.reading = true;
    setImmediate(() => void this.readDue());
  }

  // One query at a time for every due user; users marked due meanwhile are read by the next one.
  private async readDue(): Promise<void> {
    try {
      while (this.due.size > 0) {
        const batch: UserStreams[] = [];
        for (const streams of this.due) {
          this.due.delete(streams);
          // Its last stream closed meanwhile: nobody here follows it (a new stream starts afresh).
          if (streams.connections.length > 0) batch.push(streams);
          if (batch.length === READ_USERS) break;
        }
        if (batch.length > 0) await this.readBatch(batch);
      }
    } catch (error) {
      // Not the query (readBatch retries that): the users left due are read with the next head.
      this.logger.error({ err: error }, 'Live delivery failed');
    } finally {
      this.reading = false;
    }
  }

  private async readBatch(batch: UserStreams[]): Promise<void> {
    let rows: Map<string, LoggedEvent[]>;
    try {
      rows = await this.log.afterEach(
        batch.map((streams) => ({ userId: streams.userId, seq: streams.cursor })),
        PAGE,
      );
    } catch (error) {
      this.logger.warn({ err: error, users: batch.length }, 'Reading new events failed; retrying');
      setTimeout(() => {
        for (const streams of batch) this.markDue(streams);
      }, READ_RETRY_MS).unref();
      return;
    }
    for (const streams of batch) {
      const events = rows.get(streams.userId) ?? [];
      for (const event of events) this.deliver(streams, event);
      // A full page: there may be more.
      if (events.length === PAGE) this.due.add(streams);
    }
  }

  // Events this instance's webhook worker has just committed (in seq order per user): written to
  // the streams at once, without waiting for their bus notification and reading them back (one
  // NOTIFY and one query less between the ack and the stream, and no pool connection). Only a
  // user's next seq is delivered from here: anything else (a seq another transaction took, a
  // skipped duplicate, a read under way) is read from the log, as a bus head would be.
  deliverCommitted(events: readonly AppendedUserEvent[]): void {
    const gapped = new Set<UserStreams>();
    for (const event of events) {
      const streams = this.users.get(event.userId);
      if (!streams || gapped.has(streams) || event.seq <= streams.cursor) continue;
      if (event.seq !== streams.cursor + 1) {
        gapped.add(streams);
        this.markDue(streams);
        continue;
      }
      this.deliver(streams, { seq: event.seq, type: event.type, payloadJson: JSON.stringify(event.payload) });
    }
  }

  // One event after the user's cursor, to each of their live streams that has not had it.
  private deliver(streams: UserStreams, event: LoggedEvent): void {
    if (event.seq <= streams.cursor) return;
    const frame = StreamConnection.frame(event);
    for (const connection of streams.connections) {
      if (connection.live && event.seq > connection.lastSent) {
        connection.sendEvent(event, frame);
        this.counted(event.type);
      }
    }
    streams.cursor = event.seq;
  }
}
