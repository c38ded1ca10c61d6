/**
 * Intercom's REST rate limits (developers.intercom.com › REST API › Errors › Rate Limiting):
 * "10,000 API calls per minute per app" and "25,000 API calls per minute per workspace" (private
 * apps), "evenly distribute[d] into 10 second windows" ("a rate limit of 1000 per minute, which is
 * 167 per 10-second window"). "Authenticated API responses include the following headers":
 * X-RateLimit-Limit (for the app), X-RateLimit-Remaining, X-RateLimit-Reset (Unix seconds). Over
 * the limit: 429 `rate_limit_exceeded` "Exceeded rate limit of 167 in 10_seconds", with the same
 * headers and no Retry-After (the page names none).
 */
export interface RateLimitOptions {
  perAppPerMinute?: number; // default 10,000
  perWorkspacePerMinute?: number; // default 25,000
}

export interface RateLimitVerdict {
  allowed: boolean;
  headers: Record<string, string>;
  message: string;
}

const WINDOW_MS = 10_000;

export class RateLimits {
  private readonly appLimit: number;
  private readonly workspaceLimit: number;
  private windowStart = 0;
  private workspaceUsed = 0;
  // Each access token is an app here (the emulator is one workspace).
  private readonly appUsed = new Map<string, number>();

  constructor(
    options: RateLimitOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.appLimit = Math.ceil((options.perAppPerMinute ?? 10_000) / 6);
    this.workspaceLimit = Math.ceil((options.perWorkspacePerMinute ?? 25_000) / 6);
  }

  /** Counts one authenticated request of `app` and says whether it may be served. */
  take(app: string): RateLimitVerdict {
    const now = this.now();
    const start = now - (now % WINDOW_MS);
    if (start !== this.windowStart) {
      this.windowStart = start;
      this.workspaceUsed = 0;
      this.appUsed.clear();
    }
    const used = this.appUsed.get(app) ?? 0;
    const allowed = used < this.appLimit && this.workspaceUsed < this.workspaceLimit;
    if (allowed) {
      this.appUsed.set(app, used + 1);
      this.workspaceUsed += 1;
    }
    const remaining = Math.max(0, Math.min(this.appLimit - (this.appUsed.get(app) ?? 0), this.workspaceLimit - this.workspaceUsed));
    const exceeded = used >= this.appLimit ? this.appLimit : this.workspaceLimit;
    return {
      allowed,
      headers: {
        'x-ratelimit-limit': String(this.appLimit),
        'x-ratelimit-remaining': String(remaining),
        'x-ratelimit-reset': String(Math.floor((start + WINDOW_MS) / 1000)),
      },
      message: `Exceeded rate limit of ${exceeded} in 10_seconds`,
    };
  }
}
