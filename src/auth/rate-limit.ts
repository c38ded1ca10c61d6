import { Inject, Injectable, type OnModuleDestroy, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { AppError } from '../common/errors';

export type RateLimitClass = 'default' | 'poll' | 'upload';
// Per-IP limits of the anonymous routes (#15): /auth/* counts every request; the webhook and the
// signed file link count only failures (bad signature, bad link), so Intercom's valid bursts pass.
export type IpLimitClass = 'auth' | 'webhookFailures' | 'fileLinkFailures';
const RATE_LIMIT_CLASS = 'support-bff:rate-limit-class';
// Per-route override of the per-user limit: polls are frequent by design, uploads are expensive.
export const RateLimit = (kind: RateLimitClass): MethodDecorator => SetMetadata(RATE_LIMIT_CLASS, kind);

export const RATE_LIMIT_WINDOW_MS = 60_000;

interface Window {
  hits: number;
  endsAt: number;
}

// Per-user fixed-window limits on authenticated routes, one window per (route class, user),
// checked by the session guard once it knows the user. We started on @nestjs/throttler; on the
// poll path its guard (a dozen metadata lookups and an async storage round per request) cost a
// quarter of the throughput, and even a second guard of our own cost ~5 % (docs/benchmarks.md);
// what we need is a counter per key, answered synchronously. Per instance: N instances allow up
// to N× the limit (documented in the README). The same windows, keyed by client IP, are the
// per-IP limits of the anonymous routes (hitIp).
@Injectable()
export class UserRateLimiter implements OnModuleDestroy {
  // One map per class, keyed by user id or IP (no key string to build per request).
  private readonly windows: Record<RateLimitClass | IpLimitClass, Map<string, Window>> = {
    default: new Map(),
    poll: new Map(),
    upload: new Map(),
    auth: new Map(),
    webhookFailures: new Map(),
    fileLinkFailures: new Map(),
  };
  private readonly classByHandler = new WeakMap<object, RateLimitClass>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.sweeper = setInterval(() => this.sweep(), RATE_LIMIT_WINDOW_MS);
    this.sweeper.unref();
  }

  // Counts one request of `userId` to `handler`; throws 429 rate_limited past the limit.
  check(userId: string, handler: object): void {
    this.hit(this.classOf(handler), userId);
  }

  // Counts one request (or failure) from `ip` (Fastify's request.ip: TRUSTED_PROXY decides whether
  // X-Forwarded-For is believed); throws 429 rate_limited past the limit.
  hitIp(kind: IpLimitClass, ip: string): void {
    this.hit(kind, ip);
  }

  private hit(kind: RateLimitClass | IpLimitClass, key: string): void {
    const windows = this.windows[kind];
    const now = Date.now();
    let window = windows.get(key);
    if (!window || window.endsAt <= now) {
      window = { hits: 0, endsAt: now + RATE_LIMIT_WINDOW_MS };
      windows.set(key, window);
    }
    window.hits += 1;
    if (window.hits > this.limitOf(kind)) {
      const retryAfter = Math.max(1, Math.ceil((window.endsAt - now) / 1000));
      throw new AppError('rate_limited', 'Too many requests, slow down', { 'retry-after': String(retryAfter) });
    }
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  private classOf(handler: object): RateLimitClass {
    let kind = this.classByHandler.get(handler);
    if (!kind) {
      kind = this.reflector.get<RateLimitClass | undefined>(RATE_LIMIT_CLASS, handler as () => void) ?? 'default';
      this.classByHandler.set(handler, kind);
    }
    return kind;
  }

  private limitOf(kind: RateLimitClass | IpLimitClass): number {
    const limits = this.config.rateLimit;
    switch (kind) {
      case 'auth':
        return limits.authPerIpPerMinute;
      case 'webhookFailures':
        return limits.webhookFailuresPerIpPerMinute;
      case 'fileLinkFailures':
        return limits.fileLinkFailuresPerIpPerMinute;
      case 'poll':
        return limits.pollPerMinute;
      case 'upload':
        return limits.uploadPerMinute;
      case 'default':
        return limits.perMinute;
    }
  }

  private sweep(): void {
    const now = Date.now();
    for (const windows of Object.values(this.windows)) {
      for (const [userId, window] of windows) if (window.endsAt <= now) windows.delete(userId);
    }
  }
}
