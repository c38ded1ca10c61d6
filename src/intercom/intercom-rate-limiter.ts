import { AppError } from '../common/errors';

// Keeps this instance under Intercom's per-app limit (default 10,000 calls/min). Intercom counts
// in 10-second windows, so we do too: at most limitPerMinute/6 calls start per window; callers
// beyond that wait for the next window, unless the wait would exceed maxWaitMs (then fail fast
// with 502 rather than pile up). A 429 from Intercom pauses every call until its reset time.
export class IntercomRateLimiter {
  private readonly windowMs = 10_000;
  private readonly perWindow: number;
  private windowStart = 0;
  private usedInWindow = 0;
  private pausedUntil = 0;
  private queued = 0;

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
      const resumeAt = Math.max(this.pausedUntil, this.usedInWindow >= this.perWindow ? this.windowStart + this.windowMs : 0);
      if (resumeAt <= now) {
        this.usedInWindow += 1;
        return;
      }
      // Waiters queue behind the window's capacity: the n-th waiter lands n/perWindow windows later.
      const expectedWait = resumeAt - now + Math.floor(this.queued / this.perWindow) * this.windowMs;
      if (expectedWait > this.maxWaitMs) throw new AppError('service_unavailable', 'Intercom is busy, try again shortly');
      this.queued += 1;
      try {
        await new Promise((resolve) => setTimeout(resolve, resumeAt - now));
      } finally {
        this.queued -= 1;
      }
    }
  }

  pauseUntil(epochMs: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, epochMs);
  }
}
