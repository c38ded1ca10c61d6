import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { MetricsService } from '../metrics/metrics.service';
import { EventsHub } from '../events/events-hub';
import type { NewUserEvent } from '../events/stream-event';
import { UserEventsService } from '../events/user-events.service';
import { PushDecisionsService } from '../notifications/push-decisions.service';
import { PushDispatcherService } from '../notifications/push-dispatcher.service';
import { type EventEffects, type PushIntent, WebhookEffects } from './webhook-effects';
import { type DueEvent, WebhooksRepository } from './webhooks.repository';

const CLEANUP_INTERVAL_MS = 60 * 60 * 1000;
const WAKE_COALESCE_MS = 10;
const CLEANUP_BATCH = 1000;
const ERROR_MAX_LENGTH = 500;

// One event's webhook_events_total outcome, counted after its batch commits.
interface Outcome {
  topic: string;
  outcome: 'processed' | 'retry' | 'failed';
}

// Drains webhook_events: each worker claims a batch of due rows with FOR UPDATE SKIP LOCKED, applies
// their effects and marks them processed in the same transaction. Instances share the table, so no
// event runs twice; if a process dies mid-event, Postgres drops its lock and the rows are due again.
// Failures back off exponentially (next_attempt_at) up to WEBHOOK_MAX_ATTEMPTS, then failed_at.
// The same transaction appends the events' stream events to the log (an outbox) and decides their
// pushes (push_deliveries rows); it holds no network call: the log is published and the pushes
// are sent after the commit, when the connection is back in the pool.
@Injectable()
export class WebhookInboxWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('WebhookInbox');
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly sleepers = new Set<() => void>();
  private cleanupTimer: NodeJS.Timeout | undefined;
  private wakeTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly repository: WebhooksRepository,
    private readonly effects: WebhookEffects,
    private readonly userEvents: UserEventsService,
    private readonly decisions: PushDecisionsService,
    private readonly pushes: PushDispatcherService,
    private readonly hub: EventsHub,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.webhooks.workers === 0) return;
    this.running = true;
    this.loops = Array.from({ length: this.config.webhooks.workers }, () => this.loop());
    this.cleanupTimer = setInterval(() => void this.cleanup(), CLEANUP_INTERVAL_MS).unref();
  }

  // Before the database pool closes: in-flight events finish (their pushes are bounded by timeouts).
  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    clearInterval(this.cleanupTimer);
    clearTimeout(this.wakeTimer);
    for (const resume of this.sleepers) resume();
    this.sleepers.clear();
    await Promise.all(this.loops);
  }

  // A new event was recorded here: sleeping workers look shortly instead of at their next poll.
  // The short delay lets a burst gather into one batch rather than a transaction per event.
  wake(): void {
    if (this.wakeTimer) return;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      for (const resume of this.sleepers) resume();
      this.sleepers.clear();
    }, WAKE_COALESCE_MS);
  }

  // Returns whether an event was claimed (processed or failed), i.e. whether to look again at once.
  // A batch runs first without a savepoint per event (a round trip less for each, most of a
  // batch's round trips once it is large); if one of its events fails, the whole batch is rolled
  // back and taken again with a savepoint per event, so that the failure is that event's alone.
  async processNext(): Promise<boolean> {
    const claimed = await this.processBatch(false);
    if (claimed !== 'isolate') return claimed;
    // Isolated, an event's failure is recorded rather than thrown: the batch never asks again.
    return (await this.processBatch(true)) === true;
  }

  private async processBatch(isolated: boolean): Promise<boolean | 'isolate'> {
    const runner = await this.repository.connect();
    let decided: string[] = [];
    let appended: Awaited<ReturnType<UserEventsService['append']>> = [];
    let events: DueEvent[] = [];
    const processed: string[] = [];
    // Counted once the batch has committed: a failed commit rolls back the outcomes too, and the
    // events are taken again, so counting them earlier would count them twice.
    const outcomes: Outcome[] = [];
    try {
      await runner.startTransaction();
      // A batch per transaction: under a burst the per-event transaction overhead would otherwise
      // compete with acknowledging new events on the same event loop (README › Benchmarks).
      events = await this.repository.claimDue(runner.manager, this.config.webhooks.batchSize);
      const streamEvents: NewUserEvent[] = [];
      const intents: PushIntent[] = [];
      // What the events read besides the transaction's rows, in one go for the batch.
      await this.effects.prepare(events);
      for (const [index, event] of events.entries()) {
        let effects: EventEffects | undefined;
        if (isolated) {
          // Each event under a savepoint of its own, set in the round trip that releases the previous one's.
          await (index === 0 ? this.repository.savepoint(runner.manager) : this.repository.nextSavepoint(runner.manager));
          effects = await this.handle(runner, event, outcomes);
        } else {
          try {
            effects = await this.effects.apply(event.topic, event.payload, runner.manager, event.id);
          } catch {
            // Its writes are mixed with the others' (or the transaction is aborted): all again, isolated.
            await runner.rollbackTransaction();
            return 'isolate';
          }
          outcomes.push({ topic: event.topic, outcome: 'processed' });
        }
        if (effects) {
          processed.push(event.id);
          streamEvents.push(...effects.events);
          intents.push(...effects.pushes);
        }
      }
      // The event log last, so each user's head row is locked only for the commit; then the pushes,
      // each naming the stream event it is about. One statement each for the whole batch.
      appended = await this.userEvents.append(runner.manager, streamEvents);
      decided = await this.decisions.decideAll(runner.manager, intents, appended);
      // One statement for the whole batch's successes: fewer round trips (and less garbage) per event.
      if (processed.length > 0) await this.repository.markProcessed(runner.manager, processed);
      await runner.commitTransaction();
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
    this.effects.forget(processed);
    for (const { topic, outcome } of outcomes) this.metrics.webhookEvents.inc({ topic: this.metrics.boundedTopic(topic), outcome });
    // Committed: this instance's streams get the events now, other instances through the bus;
    // the decisions are durable and ours to send (a sweeper takes over if we die now).
    this.hub.deliverCommitted(appended);
    await this.userEvents.publish(appended);
    this.pushes.enqueue(decided);
    return events.length > 0;
  }

  // Applies one event's effects under the savepoint the caller set, so a failing event leaves no
  // partial writes in the batch; returns its stream events and pushes, or undefined after recording
  // the failure (retry or give up).
  private async handle(runner: QueryRunner, event: DueEvent, outcomes: Outcome[]): Promise<EventEffects | undefined> {
    try {
      const effects = await this.effects.apply(event.topic, event.payload, runner.manager, event.id);
      outcomes.push({ topic: event.topic, outcome: 'processed' });
      return effects;
    } catch (error) {
      await this.repository.rollbackToSavepoint(runner.manager);
      const attempts = event.attempts + 1;
      const final = attempts >= this.config.webhooks.maxAttempts;
      const delayMs = Math.min(this.config.webhooks.retryDelayMs * 2 ** (attempts - 1), this.config.webhooks.retryDelayMaxMs);
      const message = (error instanceof Error ? error.message : String(error)).slice(0, ERROR_MAX_LENGTH);
      await this.repository.markFailed(runner.manager, event.id, { attempts, error: message, delayMs, final });
      outcomes.push({ topic: event.topic, outcome: final ? 'failed' : 'retry' });
      const log = { eventId: event.id, topic: event.topic, attempts, err: error };
      if (final) this.logger.error(log, 'Webhook event failed for good');
      else this.logger.warn({ ...log, retryInMs: delayMs }, 'Webhook event failed; will retry');
      return undefined;
    }
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let claimed = false;
      try {
        claimed = await this.processNext();
      } catch (error) {
        this.logger.error({ err: error }, 'Webhook inbox poll failed');
      }
      if (!claimed && this.running) await this.sleep(this.config.webhooks.pollIntervalMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const resume = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(resume);
        resolve();
      };
      const timer = setTimeout(resume, ms);
      this.sleepers.add(resume);
    });
  }

  // Processed (and given-up) events are kept WEBHOOK_RETENTION_DAYS: the window in which a
  // redelivery is still recognised as one.
  private async cleanup(): Promise<void> {
    try {
      await this.repository.deleteExpired(this.config.webhooks.retentionDays, CLEANUP_BATCH);
    } catch (error) {
      this.logger.warn({ err: error }, 'Webhook inbox cleanup failed');
    }
  }
}
