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
  log: (msg: string) => void;
}

/** `sha1=<hex HMAC-SHA1 of the raw body, keyed by the app's client secret>`, as Intercom signs. */
export function signWebhook(rawBody: string | Buffer, clientSecret: string): string {
  return 'sha1=' + createHmac('sha1', clientSecret).update(rawBody).digest('hex');
}

/** Fire-and-forget delivery with exponential backoff; never blocks the API response. */
export class WebhookSender {
  readonly log: WebhookDelivery[] = [];
  readonly sent: { id: string; topic: string; body: Record<string, unknown> }[] = [];
  private timers = new Set<NodeJS.Timeout>();
  private inflight = new Set<AbortController>();

  constructor(private readonly opts: WebhookOptions) {}

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

  /** Number of deliveries still scheduled or in flight. */
  pending(): number {
    return this.timers.size + this.inflight.size;
  }

  clearLog(): void {
    this.log.length = 0;
    this.sent.length = 0;
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const ac of this.inflight) ac.abort();
  }
}
