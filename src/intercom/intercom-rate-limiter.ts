import { IntercomUnavailableError } from './intercom-errors';

// What Intercom said about the current window in its X-RateLimit-* headers (sent on every
// authenticated answer, not only on a 429; Intercom's "Rate Limiting" page).
export interface RateLimitHeaders {
  limit: number;
  remaining: number;
  resetAtMs: number;
}

// Keeps this instance under Intercom's per-app limit (default 10,000 calls/min). Intercom counts
// in 10-second windows, so we do too: at most limitPerMinute/6 calls start per window; callers
// beyond that wait for the next window, unless the wait would exceed maxWaitMs (then fail fast
// with 502 rather than pile up). Intercom's own count (X-RateLimit-Remaining, shared with other
// instances and apps of the workspace) also holds calls back once it reaches 0, until its reset,
// so we slow down before a 429 rather than after. A 429 pauses every call until its reset time.
export class IntercomRateLimiter {
  private readonly windowMs = 10_000;
  // Intercom's reset can be a little off our clock; never wait longer than a window plus this.
  private readonly maxSkewMs = 1_000;
  private readonly perWindow: number;
  private windowStart = 0;
  private usedInWindow = 0;
  private pausedUntil = 0;
  private queued = 0;
  // Intercom's remaining calls until remoteResetAt, minus the calls we started since it said so.
  private remoteRemaining = Infinity;
  private remoteResetAt = 0;

  constructor(
    limitPerMinute: number,
    private readonly maxWaitMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.perWindow = Math.max(1, Math.floor(limitPerMinute / 6));
  }

  async acquire(): Promise<void> {
    for (;;) {
      const now = this.now();
      if (now >= this.windowStart + this.windowMs) {
        this.windowStart = now - (now % this.windowMs);
        this.usedInWindow = 0;
      }
      if (now >= this.remoteResetAt) this.remoteRemaining = Infinity;
      const resumeAt = Math.max(
        this.pausedUntil,
        this.usedInWindow >= this.perWindow ? this.windowStart + this.windowMs : 0,
        this.remoteRemaining <= 0 ? this.remoteResetAt : 0,
      );
      if (resumeAt <= now) {
        this.usedInWindow += 1;
        this.remoteRemaining -= 1;
        return;
      }
      // Waiters queue behind the window's capacity: the n-th waiter lands n/perWindow windows later.
      const expectedWait = resumeAt - now + Math.floor(this.queued / this.perWindow) * this.windowMs;
      if (expectedWait > this.maxWaitMs) throw new IntercomUnavailableError('Intercom is busy, try again shortly');
      this.queued += 1;
      try {
        await new Promise((resolve) => setTimeout(resolve, resumeAt - now));
      } finally {
        this.queued -= 1;
      }
    }
  }

  // Every answer's headers. Within one window the lower count wins: ours also knows about calls
  // still in flight, Intercom's about everyone else's.
  observe(headers: RateLimitHeaders): void {
    const now = this.now();
    if (!(headers.resetAtMs > now) || headers.resetAtMs > now + this.windowMs + this.maxSkewMs) return;
    if (headers.resetAtMs !== this.remoteResetAt) {
      // A newer window (or the first answer): Intercom's count replaces ours.
      if (headers.resetAtMs < this.remoteResetAt) return;
      this.remoteResetAt = headers.resetAtMs;
      this.remoteRemaining = headers.remaining;
    } else {
      this.remoteRemaining = Math.min(this.remoteRemaining, headers.remaining);
    }
  }

  pauseUntil(epochMs: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, epochMs);
  }
}

// The X-RateLimit-* headers of one answer, or undefined when it has none (or nonsense).
export function rateLimitHeaders(headers: Headers): RateLimitHeaders | undefined {
  const limit = Number(headers.get('x-ratelimit-limit'));
  const remaining = Number(headers.get('x-ratelimit-remaining'));
  const reset = Number(headers.get('x-ratelimit-reset'));
  if (!headers.has('x-ratelimit-remaining') || !Number.isFinite(remaining) || !Number.isFinite(reset) || reset <= 0) return undefined;
  return { limit, remaining, resetAtMs: reset * 1000 };
}
