// A Server-Sent Events parser (the wire format of GET /api/events) for fetch-based streams, which
// unlike EventSource can send the session header. Written here: the SDK carries no dependencies.
// The repo's one SSE parser: the e2e tests' raw stream reads (test/helpers/streams.ts) use it too.
export interface SseMessage {
  id: string | null;
  event: string;
  data: string;
}

export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private id: string | null = null;
  // The last id seen (it persists across messages, as EventSource's lastEventId does).
  lastEventId: string | null = null;
  retryMs: number | null = null;

  constructor(
    private readonly onMessage: (message: SseMessage) => void,
    // Comment lines (the server's heartbeats), without the leading colon.
    private readonly onComment?: (comment: string) => void,
  ) {}

  push(text: string): void {
    this.buffer += text;
    let newline: number;
    while ((newline = this.buffer.search(/\r\n|\r|\n/)) !== -1) {
      const line = this.buffer.slice(0, newline);
      const width = this.buffer.startsWith('\r\n', newline) ? 2 : 1;
      // A lone \r at the end may be the first half of \r\n: wait for the next chunk.
      if (width === 1 && this.buffer[newline] === '\r' && newline === this.buffer.length - 1) break;
      this.buffer = this.buffer.slice(newline + width);
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return this.onComment?.(line.slice(1).replace(/^ /, '')); // comment: heartbeat
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.data.push(value);
        break;
      case 'event':
        this.event = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.id = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retryMs = Number(value);
        break;
      default:
        break;
    }
  }

  private dispatch(): void {
    if (this.id !== null) this.lastEventId = this.id;
    if (this.data.length > 0) this.onMessage({ id: this.lastEventId, event: this.event || 'message', data: this.data.join('\n') });
    this.data = [];
    this.event = '';
    this.id = null;
  }
}
