import type { Socket } from 'node:net';
import { encode, encodeComment } from 'eventsource-encoder';
import type { LoggedEvent } from './stream-event';

export type CloseReason = 'client' | 'replaced' | 'backpressure' | 'shutdown' | 'error';

// One open SSE response, on the socket it took over (src/common/http-layer.ts › takeOverSocket).
// Frames go straight to the socket; when the client stops reading and the
// unsent bytes pass maxBufferBytes the connection is dropped (memory stays bounded), and the
// client resumes from the last id it received.
export class StreamConnection {
  // The highest seq written to this connection (its resume point).
  lastSent: number;
  // Whether the hub delivers new events to it (false while it replays from the log).
  live = false;
  closed = false;
  private onClose: ((connection: StreamConnection, reason: CloseReason) => void) | undefined;

  constructor(
    readonly userId: string,
    private readonly socket: Socket,
    private readonly maxBufferBytes: number,
    start: number,
  ) {
    this.lastSent = start;
    socket.once('close', () => this.finish('client'));
    // A listener for good: an error event without one would be thrown.
    socket.on('error', () => this.finish('error'));
  }

  whenClosed(handler: (connection: StreamConnection, reason: CloseReason) => void): void {
    this.onClose = handler;
  }

  sendEvent(event: LoggedEvent, frame: string = StreamConnection.frame(event)): void {
    if (event.seq <= this.lastSent) return;
    if (this.write(frame)) this.lastSent = event.seq;
  }

  // A frame shared by every connection of a user: serialised once per event, not per connection.
  static frame(event: LoggedEvent): string {
    return encode({ id: String(event.seq), event: event.type, data: event.payloadJson });
  }

  sendReset(seq: number): void {
    if (this.write(encode({ id: String(seq), event: 'reset', data: '{}' }))) this.lastSent = seq;
  }

  // Replay paces itself: past half the cap it waits for the client to read (or leave).
  async paced(): Promise<void> {
    if (this.closed || this.socket.writableLength < this.maxBufferBytes / 2) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  heartbeat(): void {
    this.write(HEARTBEAT);
  }

  // A clean end: the client's EventSource reconnects (here or on another instance).
  end(reason: CloseReason): void {
    if (this.closed) return;
    // The body ends with the connection: closed once what was written is out.
    this.socket.end(() => this.socket.destroy());
    this.finish(reason);
  }

  // Returns whether the frame was queued; over the buffer cap the connection is dropped instead
  // (a frame alone may exceed it: the cap bounds what piles up, not the size of one event).
  write(frame: string): boolean {
    if (this.closed) return false;
    const buffered = this.socket.writableLength;
    if (buffered > 0 && buffered + frame.length > this.maxBufferBytes) {
      this.socket.destroy();
      this.finish('backpressure');
      return false;
    }
    this.socket.write(frame);
    return true;
  }

  private finish(reason: CloseReason): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose?.(this, reason);
  }
}

const HEARTBEAT = encodeComment('heartbeat');
