import { createHmac, randomBytes } from 'node:crypto';
import { now } from './store';

export interface WebhookDelivery {
  notificationId: string;
  topic: string;
  attempt: number;
  at: number; // ms
  status: number | null; // null = network error / timeout
  error?: string;
  delivered: boolean;
}

export interface WebhookOptions {
  url?: string;
  clientSecret: string;
  appId: string;
  retryBaseMs: number;
  maxAttempts: number;
  timeoutMs: number;
  pingIntervalMs: number;
  log: (msg: string) => void;
}

/** `sha1=<hex HMAC-SHA1 of the raw body, keyed by the app's client secret>`, as Intercom signs. */
export function signWebhook(rawBody: string | Buffer, clientSecret: string): string {
  return 'sha1=' + createHmac('sha1', clientSecret).update(rawBody).digest('hex');
}

// Deliveries in flight at once; the rest wait their turn. A webhook sender keeps a bounded pool of
// connections: unbounded, a burst of 10,000 events opened a thousand keep-alive connections to
// the receiver, which then held them (and their memory) for its keep-alive timeout.
const MAX_CONCURRENT_DELIVERIES = 16;

/** Fire-and-forget delivery with exponential backoff; never blocks the API response. */
export class WebhookSender {
  readonly log: WebhookDelivery[] = [];
  readonly sent: { id: string; topic: string; body: Record<string, unknown> }[] = [];
  private timers = new Set<NodeJS.Timeout>();
  private inflight = new Set<AbortController>();
  private readonly waiting: (() => void)[] = [];
  private delivering = 0;
  // stop() (also used by reset) drops the deliveries waiting for a slot; later events go out again.
  private generation = 0;

  private readonly pinger: NodeJS.Timeout | undefined;

  constructor(private readonly opts: WebhookOptions) {
    if (opts.pingIntervalMs > 0) this.pinger = setInterval(() => this.ping(), opts.pingIntervalMs).unref();
  }

  /**
   * Intercom's `ping` notification (sent when a subscription is set up or tested): `"id": null`
   * and a `ping` item, signed like any other.
   */
  ping(): void {
    if (!this.opts.url) return;
    const createdAt = now();
    const event = {
      type: 'notification_event',
      app_id: this.opts.appId,
      data: { type: 'notification_event_data', item: { type: 'ping', message: 'something something interzen' } },
      links: {},
      id: null,
      topic: 'ping',
      delivery_status: null,
      delivery_attempts: 1,
      delivered_at: 0,
      first_sent_at: createdAt,
      created_at: createdAt,
      self: null,
    };
    this.sent.push({ id: 'ping', topic: 'ping', body: event });
    this.schedule(event as never, 1, 0);
  }

  setUrl(url: string | undefined): void {
    this.opts.url = url;
  }

  emit(topic: string, item: Record<string, unknown>): void {
    if (!this.opts.url) return;
    const id = 'notif_' + randomBytes(12).toString('hex');
    const createdAt = now();
    const event = {
      type: 'notification_event',
      app_id: this.opts.appId,
      id,
      topic,
      created_at: createdAt,
      delivery_attempts: 1,
      first_sent_at: createdAt,
      delivery_status: 'pending',
      self: null,
      data: { type: 'notification_event_data', item },
    };
    this.sent.push({ id, topic, body: event });
    this.schedule(event, 1, 0);
  }

  private schedule(event: Record<string, unknown> & { id: string; topic: string }, attempt: number, delayMs: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      void this.attempt(event, attempt);
    }, delayMs);
    this.timers.add(t);
  }

  private async attempt(event: Record<string, unknown> & { id: string; topic: string }, attempt: number): Promise<void> {
    const generation = this.generation;
    if (this.delivering >= MAX_CONCURRENT_DELIVERIES) await new Promise<void>((resolve) => this.waiting.push(resolve));
    if (generation !== this.generation) return;
    this.delivering += 1;
    try {
      await this.deliver(event, attempt);
    } finally {
      this.delivering -= 1;
      this.waiting.shift()?.();
    }
  }

  private async deliver(event: Record<string, unknown> & { id: string; topic: string }, attempt: number): Promise<void> {
    const url = this.opts.url;
    if (!url) return;
    const raw = JSON.stringify({ ...event, delivery_attempts: attempt });
    const ac = new AbortController();
    this.inflight.add(ac);
    const timer = setTimeout(() => ac.abort(), this.opts.timeoutMs);
    const entry: WebhookDelivery = {
      notificationId: event.id,
      topic: event.topic,
      attempt,
      at: Date.now(),
      status: null,
      delivered: false,
    };
    try {
      const res = await fetch(url, {
        method: 'POST',
        body: raw,
        signal: ac.signal,
        headers: {
          'content-type': 'application/json',
          'x-hub-signature': signWebhook(raw, this.opts.clientSecret),
          'user-agent': 'Intercom-Webhooks-Emulator',
        },
      });
      await res.arrayBuffer().catch(() => undefined);
      entry.status = res.status;
      entry.delivered = res.ok;
    } catch (e) {
      entry.error = (e as Error).message;
    } finally {
      clearTimeout(timer);
      this.inflight.delete(ac);
    }
    this.log.push(entry);
    if (!entry.delivered) {
      if (attempt < this.opts.maxAttempts) {
        this.schedule(event, attempt + 1, this.opts.retryBaseMs * 2 ** (attempt - 1));
      } else {
        this.opts.log(`webhook ${event.id} (${event.topic}) gave up after ${attempt} attempts`);
      }
    }
  }

  /** Number of deliveries still scheduled, waiting for a connection or in flight. */
  pending(): number {
    return this.timers.size + this.waiting.length + this.inflight.size;
  }

  clearLog(): void {
    this.log.length = 0;
    this.sent.length = 0;
  }

  /** For good (the emulator closes): no more pings either. */
  dispose(): void {
    clearInterval(this.pinger);
    this.stop();
  }

  stop(): void {
    this.generation += 1;
    for (const resume of this.waiting.splice(0)) resume();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const ac of this.inflight) ac.abort();
  }
}
