import { EventSource } from 'eventsource';
import { SseParser } from '../../packages/sdk/src/sse';
import { waitFor } from './wait';

export interface ReceivedEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

// A raw GET /api/events read with the SDK's parser (the repo's one SSE parser; the WHATWG client
// below is the independent reading): sees headers, `retry:`, comments and the end.
export class RawStream {
  readonly events: ReceivedEvent[] = [];
  readonly comments: string[] = [];
  retry: number | undefined;
  ended = false;

  private constructor(
    readonly response: Response,
    private readonly abort: AbortController,
  ) {}

  static async open(url: string, headers: Record<string, string> = {}): Promise<RawStream> {
    const abort = new AbortController();
    const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
    const stream = new RawStream(response, abort);
    if (response.ok && response.body) void stream.pump(response.body);
    return stream;
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const parser = new SseParser(
      (event) => this.events.push({ id: event.id ?? '', type: event.event, data: JSON.parse(event.data) as Record<string, unknown> }),
      (comment) => this.comments.push(comment),
    );
    const decoder = new TextDecoder();
    try {
      for await (const chunk of body) {
        parser.push(decoder.decode(chunk, { stream: true }));
        this.retry = parser.retryMs ?? undefined;
      }
    } catch {
      // aborted by close()
    }
    this.ended = true;
  }

  waitForEvents(count: number, timeoutMs = 10_000): Promise<ReceivedEvent[]> {
    return waitFor(() => (this.events.length >= count ? this.events.slice(0, count) : undefined), timeoutMs);
  }

  waitForEnd(): Promise<true> {
    return waitFor(() => (this.ended ? true : undefined));
  }

  close(): void {
    this.abort.abort();
  }
}

// The WHATWG EventSource (the `eventsource` package), as a browser uses it; the session header is
// added through its fetch option when there is no ticket.
export class ClientStream {
  readonly events: ReceivedEvent[] = [];
  readonly source: EventSource;
  errors = 0;

  // Listens to every type but unread.changed unless asked (it follows operator messages; #19's tests check it).
  constructor(url: string, options: { token?: string; lastEventId?: string } = {}, types: readonly string[] = MESSAGE_AND_STATE_TYPES) {
    this.source = new EventSource(url, {
      fetch: (input, init) =>
        fetch(input, {
          ...init,
          headers: {
            ...init?.headers,
            ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
            // EventSource sends Last-Event-ID itself on reconnects; this is a resumed first connection.
            ...(options.lastEventId && !(init?.headers as Record<string, string> | undefined)?.['Last-Event-ID']
              ? { 'last-event-id': options.lastEventId }
              : {}),
          },
        }),
    });
    for (const type of types) {
      this.source.addEventListener(type, (event: MessageEvent) =>
        this.events.push({ id: event.lastEventId, type, data: JSON.parse(event.data as string) as Record<string, unknown> }),
      );
    }
    this.source.addEventListener('error', () => (this.errors += 1));
  }

  opened(): Promise<true> {
    return waitFor(() => (this.source.readyState === this.source.OPEN ? true : undefined));
  }

  waitForEvents(count: number, timeoutMs = 10_000): Promise<ReceivedEvent[]> {
    return waitFor(() => (this.events.length >= count ? this.events.slice(0, count) : undefined), timeoutMs);
  }

  get lastEventId(): string | undefined {
    return this.events.at(-1)?.id;
  }

  close(): void {
    this.source.close();
  }
}

export const STREAM_TYPES = [
  'message.created',
  'conversation.updated',
  'ticket.updated',
  'ticket.message.created',
  'unread.changed',
  'reset',
];

export const MESSAGE_AND_STATE_TYPES = STREAM_TYPES.filter((type) => type !== 'unread.changed');
