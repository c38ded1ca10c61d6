import { backoffDelayMs } from './backoff.js';
import { SupportApiError } from './errors.js';
import { SseParser } from './sse.js';
import type { Transport } from './transport.js';
import type { Poll, SupportEvent, SupportEventData, SupportEventType, Unread } from './types.js';

export type LiveStatus = 'connecting' | 'streaming' | 'polling' | 'paused' | 'closed';

export interface LiveOptions {
  // Resume after this event (a client that restarts); the stream starts at "now" without it.
  lastEventId?: string | null;
  onStatus?: (status: LiveStatus) => void;
  // Poll fallback cadence while the stream is unavailable.
  pollIntervalMs?: number;
  // How long to poll before trying the stream again.
  streamRetryAfterMs?: number;
  // No bytes (not even a heartbeat) for this long = a dead connection: reconnect.
  idleTimeoutMs?: number;
  // Visibility source (the page's document by default); hidden = no connection, no polling.
  visibility?: VisibilitySource;
}

export interface VisibilitySource {
  readonly visibilityState: string;
  addEventListener(type: 'visibilitychange', listener: () => void): void;
  removeEventListener(type: 'visibilitychange', listener: () => void): void;
}

export interface LiveSubscription {
  readonly status: LiveStatus;
  readonly lastEventId: string | null;
  // The poll fallback follows these conversations (the thread on screen); the stream covers all anyway.
  watch(conversationId: string, since?: number): void;
  unwatch(conversationId: string): void;
  close(): void;
}

const EVENT_TYPES = new Set<string>([
  'message.created',
  'conversation.updated',
  'ticket.updated',
  'ticket.message.created',
  'unread.changed',
  'reset',
] satisfies SupportEventType[]);
// The stream is not there at all (older server, proxy without it): go to polling at once.
const STREAM_MISSING = new Set([404, 405, 501]);
const FAILURES_BEFORE_POLLING = 3;

interface Watched {
  since: number | null;
  state: Pick<Poll, 'state' | 'snoozedUntil' | 'rated'> | null;
}

export class LiveConnection implements LiveSubscription {
  status: LiveStatus = 'connecting';
  lastEventId: string | null;
  private closed = false;
  private connection: AbortController | null = null;
  private wake: (() => void) | null = null;
  private readonly watched = new Map<string, Watched>();
  private unread: Map<string, number> | null = null;
  private unreadMissing = false;
  private readonly visibility: VisibilitySource | undefined;
  private readonly onVisibility = () => {
    if (this.hidden()) this.connection?.abort();
    this.wakeUp();
  };

  constructor(
    private readonly transport: Transport,
    private readonly onEvent: (event: SupportEvent) => void,
    private readonly options: LiveOptions,
  ) {
    this.lastEventId = options.lastEventId ?? null;
    this.visibility = options.visibility ?? (globalThis as { document?: VisibilitySource }).document;
    this.visibility?.addEventListener('visibilitychange', this.onVisibility);
    void this.run();
  }

  watch(conversationId: string, since?: number): void {
    if (!this.watched.has(conversationId)) this.watched.set(conversationId, { since: since ?? null, state: null });
  }

  unwatch(conversationId: string): void {
    this.watched.delete(conversationId);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.visibility?.removeEventListener('visibilitychange', this.onVisibility);
    this.connection?.abort();
    this.wakeUp();
    this.setStatus('closed');
  }

  private hidden(): boolean {
    return this.visibility?.visibilityState === 'hidden';
  }

  private setStatus(status: LiveStatus): void {
    if (this.status === status || (this.status === 'closed' && status !== 'closed')) return;
    this.status = status;
    this.options.onStatus?.(status);
  }

  private async run(): Promise<void> {
    let failures = 0;
    let retryMs = 1000;
    while (!this.closed) {
      if (this.hidden()) {
        this.setStatus('paused');
        await this.pause(Number.POSITIVE_INFINITY);
        continue;
      }
      this.setStatus('connecting');
      const outcome = await this.stream((serverRetryMs) => {
        retryMs = serverRetryMs;
        failures = 0;
      });
      if (this.closed || this.hidden()) continue;
      if (outcome === 'missing' || (outcome === 'failed' && ++failures >= FAILURES_BEFORE_POLLING)) {
        await this.pollFor(this.options.streamRetryAfterMs ?? 60_000);
        failures = 0;
      } else {
        // An ended stream reconnects after the server's retry; failures back off from there.
        await this.pause(failures === 0 ? retryMs : backoffDelayMs(failures, { baseDelayMs: retryMs, maxDelayMs: 30_000 }));
      }
    }
  }

  // One stream connection, until it ends. onConnected is told the server's retry delay.
  private async stream(onConnected: (retryMs: number) => void): Promise<'ended' | 'failed' | 'missing'> {
    const connection = new AbortController();
    this.connection = connection;
    const idleMs = this.options.idleTimeoutMs ?? 45_000;
    let idleTimer: ReturnType<typeof setTimeout> | undefined;
    const resetIdle = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => connection.abort(), idleMs);
    };
    try {
      resetIdle();
      const headers: Record<string, string> = { accept: 'text/event-stream' };
      if (this.lastEventId !== null) headers['last-event-id'] = this.lastEventId;
      const response = await this.transport.authorized(this.transport.url('/api/events'), { headers }, connection.signal);
      const isStream = response.headers.get('content-type')?.startsWith('text/event-stream') ?? false;
      if (!response.ok || !isStream || !response.body) {
        await response.body?.cancel();
        return STREAM_MISSING.has(response.status) || (response.ok && !isStream) ? 'missing' : 'failed';
      }
      const parser = new SseParser((message) => this.dispatch(message.event, message.id, message.data));
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      // Aborting (idle, hidden, close) must end a pending read on every platform's fetch.
      connection.signal.addEventListener('abort', () => void reader.cancel().catch(() => undefined), { once: true });
      let connected = false;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return 'ended';
        resetIdle();
        parser.push(value);
        if (parser.lastEventId !== null) this.lastEventId = parser.lastEventId;
        if (!connected) {
          connected = true;
          this.setStatus('streaming');
          onConnected(parser.retryMs ?? 1000);
        }
      }
    } catch {
      return 'failed'; // network error, abort (idle, hidden, close), sign-in failure
    } finally {
      clearTimeout(idleTimer);
      connection.abort();
      if (this.connection === connection) this.connection = null;
    }
  }

  private dispatch(type: string, id: string | null, data: string): void {
    if (!EVENT_TYPES.has(type)) return; // newer event types: ignored, not fatal
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      return;
    }
    this.deliver({ type, id, data: parsed } as SupportEvent);
  }

  private deliver(event: SupportEvent): void {
    try {
      this.onEvent(event);
    } catch {
      // The app's handler failing must not stop the stream.
    }
  }

  // The fallback: the watched conversations' poll endpoint and the unread counts, for `durationMs`.
  private async pollFor(durationMs: number): Promise<void> {
    this.setStatus('polling');
    const until = Date.now() + durationMs;
    while (!this.closed && !this.hidden() && Date.now() < until) {
      await Promise.all([...this.watched.keys()].map((conversationId) => this.pollConversation(conversationId)));
      await this.pollUnread();
      await this.pause(this.options.pollIntervalMs ?? 5000);
    }
  }

  private async pollConversation(conversationId: string): Promise<void> {
    const watched = this.watched.get(conversationId);
    if (!watched) return;
    let poll: Poll;
    try {
      poll = await this.transport.json<Poll>('GET', `/api/conversations/${encodeURIComponent(conversationId)}/poll`, {
        query: { since: watched.since ?? 0 },
      });
    } catch {
      return; // the next round tries again
    }
    const first = watched.since === null;
    watched.since = poll.latestTimestamp;
    if (!first) for (const message of poll.messages) this.emit('message.created', { conversationId, message });
    const previous = watched.state;
    watched.state = { state: poll.state, snoozedUntil: poll.snoozedUntil, rated: poll.rated };
    if (previous && (previous.state !== poll.state || previous.snoozedUntil !== poll.snoozedUntil || previous.rated !== poll.rated)) {
      this.emit('conversation.updated', { conversationId, ...watched.state });
    }
  }

  private async pollUnread(): Promise<void> {
    if (this.unreadMissing) return;
    let unread: Unread;
    try {
      unread = await this.transport.json<Unread>('GET', '/api/unread');
    } catch (error) {
      if (error instanceof SupportApiError && error.status === 404) this.unreadMissing = true;
      return;
    }
    const counts = new Map(unread.conversations.map((entry) => [entry.id, entry.unreadCount]));
    const previous = this.unread;
    this.unread = counts;
    if (!previous) return;
    for (const conversationId of new Set([...previous.keys(), ...counts.keys()])) {
      const unreadCount = counts.get(conversationId) ?? 0;
      if ((previous.get(conversationId) ?? 0) !== unreadCount)
        this.emit('unread.changed', { total: unread.total, conversationId, unreadCount });
    }
  }

  private emit<T extends SupportEventType>(type: T, data: SupportEventData[T]): void {
    this.deliver({ type, id: null, data } as SupportEvent);
  }

  // Waits `ms`, or less when closed or the page's visibility changes.
  private pause(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = Number.isFinite(ms) ? setTimeout(() => done(), ms) : undefined;
      const done = () => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = null;
        resolve();
      };
      this.wake = done;
    });
  }

  private wakeUp(): void {
    this.wake?.();
  }
}
