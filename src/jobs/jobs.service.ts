import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { type Job, PgBoss } from 'pg-boss';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';

export interface JobOptions {
  // Attempts after the first failure; with retryBackoff the delay doubles from retryDelay (seconds).
  retryLimit: number;
  retryDelay: number;
  retryBackoff: boolean;
  // Upper bound of a backed-off delay, seconds.
  retryDelayMax?: number;
  // How long a job may wait (created or retry state) before pg-boss deletes it; its default is 14 days.
  retentionSeconds?: number;
  // pg-boss's singletonKey; queues here use the standard policy, where it only labels the job
  // (dedupe at the source instead, e.g. enqueue from the request that won a unique insert).
  singletonKey?: string;
}

export interface JobContext {
  id: string;
  retryCount: number;
}

// A handler that throws leaves the job for a retry, as its send options allow.
export type JobHandler<T> = (data: T, job: JobContext) => Promise<void>;

const STOP_TIMEOUT_MS = 10_000;

// Durable jobs on Postgres (pg-boss, own `pgboss` schema): a job sent survives restarts and runs
// on whichever instance polls it first. Generic on purpose; features name their own queues.
@Injectable()
export class JobsService implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private readonly boss: PgBoss;
  private starting: Promise<void> | undefined;
  private stopped = false;
  private readonly queues = new Map<string, Promise<void>>();
  private readonly workedQueues = new Set<string>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    if (!config.database.url) throw new Error('DATABASE_URL is not set');
    this.boss = new PgBoss({
      connectionString: config.database.url,
      schema: 'pgboss',
      max: config.jobs.poolSize,
      application_name: 'support-bff-jobs',
    });
    // pg-boss reports background failures (lost connection, maintenance) as events; never crash on them.
    this.boss.on('error', (error: Error) => this.logger.error({ err: error }, 'Job queue error'));
  }

  onApplicationBootstrap(): Promise<void> {
    return this.start();
  }

  // Nest closes in this order: beforeApplicationShutdown, HTTP server, onApplicationShutdown (the
  // database pool too). Workers stop first, while what their handlers use is still up: in-flight
  // jobs get STOP_TIMEOUT_MS to finish.
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.starting) return;
    await this.starting.catch(() => undefined);
    const drained = Promise.all([...this.workedQueues].map((queue) => this.boss.offWork(queue, { wait: true })));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_TIMEOUT_MS)));
    await Promise.race([drained, timedOut]).finally(() => clearTimeout(timer));
  }

  // The queue itself closes after the HTTP server, so requests still in flight can enqueue; a job
  // still running past the timeout is marked failed here and retried by the next instance.
  async onApplicationShutdown(): Promise<void> {
    if (this.stopped || !this.starting) return;
    this.stopped = true;
    await this.starting.catch(() => undefined);
    await this.boss.stop({ graceful: false });
  }

  async send<T extends object>(queue: string, data: T, options: JobOptions): Promise<string | null> {
    await this.queue(queue);
    return this.boss.send(queue, data, options);
  }

  async work<T extends object>(queue: string, handler: JobHandler<T>): Promise<void> {
    // A process that only sends (jobs.work false) must not take jobs: it would run them with its
    // own configuration and hold them while it exits.
    if (!this.config.jobs.work) return;
    await this.queue(queue);
    this.workedQueues.add(queue);
    await this.boss.work<T>(queue, { pollingIntervalSeconds: this.config.jobs.pollingIntervalSeconds }, async (jobs: Job<T>[]) => {
      // batchSize is 1: each job succeeds or fails on its own.
      for (const job of jobs) await handler(job.data, { id: job.id, retryCount: job.retryCount });
    });
  }

  private start(): Promise<void> {
    this.starting ??= this.boss.start().then(() => this.logger.log('Job queue started'));
    return this.starting;
  }

  private queue(name: string): Promise<void> {
    let created = this.queues.get(name);
    if (!created) {
      created = this.start().then(() => this.boss.createQueue(name));
      created.catch(() => this.queues.delete(name));
      this.queues.set(name, created);
    }
    return created;
  }
}
