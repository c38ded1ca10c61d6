import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { IntercomClient, IntercomError, IntercomTimeoutError } from 'intercom-client';
import CircuitBreaker from 'opossum';
import { AppError } from '../common/errors';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { BREAKER_STATE_VALUE, MetricsService } from '../metrics/metrics.service';
import {
  IntercomConflictError,
  IntercomNotFoundError,
  IntercomRejectedError,
  IntercomUnavailableError,
  IntercomUnknownAttributeError,
} from './intercom-errors';
import { IntercomRateLimiter, rateLimitHeaders } from './intercom-rate-limiter';
import { IntercomUserBudget } from './user-call-budget';

export type BreakerState = 'closed' | 'half_open' | 'open';

const EXISTING_ID = /already exists with id=([0-9a-f]+)/i;
const UNKNOWN_ATTRIBUTE = /attribute '([^']{1,255})' does not exist/i;

function unknownAttributeIn(error: IntercomError): string | undefined {
  const errors = (error.body as { errors?: { message?: unknown }[] } | undefined)?.errors ?? [];
  for (const entry of errors) {
    const match = typeof entry.message === 'string' ? UNKNOWN_ATTRIBUTE.exec(entry.message) : null;
    if (match) return match[1];
  }
  return undefined;
}

function existingIdIn(error: IntercomError): string | undefined {
  const errors = (error.body as { errors?: { message?: unknown }[] } | undefined)?.errors ?? [];
  for (const entry of errors) {
    const match = typeof entry.message === 'string' ? EXISTING_ID.exec(entry.message) : null;
    if (match) return match[1];
  }
  return undefined;
}

export interface CallOptions {
  // Reads are retried once on a 5xx/network failure; writes never (that would double-post).
  idempotent: boolean;
}

type RequestOptions = { timeoutInSeconds: number; maxRetries: 0; abortSignal: AbortSignal };

// The one door to Intercom: SDK client, timeouts, rate limit, circuit breaker, error mapping.
// Nothing else in the code base imports intercom-client.
@Injectable()
export class IntercomGateway implements OnModuleDestroy {
  private readonly logger = new Logger('Intercom');
  private readonly client: IntercomClient;
  private readonly breaker: CircuitBreaker<[() => Promise<unknown>], unknown>;
  private readonly limiter: IntercomRateLimiter;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    private readonly userBudget: IntercomUserBudget,
  ) {
    const intercom = config.intercom;
    this.limiter = new IntercomRateLimiter(intercom.rateLimitPerMinute, intercom.timeoutMs);
    this.client = new IntercomClient({
      token: intercom.accessToken,
      baseUrl: intercom.baseUrl,
      version: '2.14',
      maxRetries: 0,
      // Every answer's X-RateLimit-* headers feed the limiter (the SDK exposes them on errors only).
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        const limits = rateLimitHeaders(response.headers);
        if (limits) this.limiter.observe(limits);
        return response;
      },
    });
    this.breaker = new CircuitBreaker((operation: () => Promise<unknown>) => operation(), {
      timeout: false, // each request carries its own abort timeout
      errorThresholdPercentage: intercom.breakerErrorThresholdPercent,
      volumeThreshold: intercom.breakerVolumeThreshold,
      resetTimeout: intercom.breakerResetMs,
      rollingCountTimeout: 10_000,
      // Intercom answering 4xx means it is up: those never trip the breaker.
      errorFilter: (error: unknown) =>
        error instanceof IntercomError &&
        !(error instanceof IntercomTimeoutError) &&
        (error.statusCode ?? 500) < 500 &&
        error.statusCode !== 429,
    });
    this.breaker.on('open', () => this.logger.warn('Intercom circuit opened: failing fast'));
    this.breaker.on('halfOpen', () => this.logger.log('Intercom circuit half-open: probing'));
    this.breaker.on('close', () => this.logger.log('Intercom circuit closed: healthy again'));
    metrics.onScrape(() => metrics.intercomBreakerState.set(BREAKER_STATE_VALUE[this.state]));
  }

  get state(): BreakerState {
    return this.breaker.opened ? 'open' : this.breaker.halfOpen ? 'half_open' : 'closed';
  }

  async call<T>(name: string, request: (client: IntercomClient, options: RequestOptions) => Promise<T>, options: CallOptions): Promise<T> {
    // The user this call is made for pays for it (429 past their budget, before anything is sent).
    this.userBudget.charge();
    const attempt = async (): Promise<T> => {
      if (this.breaker.opened) {
        this.metrics.intercomRequests.inc({ operation: name, outcome: 'circuit_open' });
        throw new IntercomUnavailableError();
      }
      await this.limiter.acquire().catch((error: unknown) => {
        this.metrics.intercomRequests.inc({ operation: name, outcome: 'throttled' });
        throw error;
      });
      // Our own timer, cleared when the call ends: AbortSignal.timeout() would keep its timer, the
      // signal and the SDK's listener on it alive for the whole timeout after every call. The
      // signal also covers reading the body, which the SDK's timeoutInSeconds does not.
      const abort = new AbortController();
      const timer = setTimeout(
        () => abort.abort(new DOMException('Intercom request timed out', 'TimeoutError')),
        this.config.intercom.timeoutMs,
      );
      const requestOptions: RequestOptions = {
        timeoutInSeconds: this.config.intercom.timeoutMs / 1000,
        maxRetries: 0,
        abortSignal: abort.signal,
      };
      const startedAt = performance.now();
      let outcome = 'ok';
      try {
        return (await this.breaker.fire(() => request(this.client, requestOptions))) as T;
      } catch (error) {
        outcome = intercomOutcome(error);
        throw error;
      } finally {
        clearTimeout(timer);
        // A call the breaker refused (opened by a concurrent failure) never reached Intercom.
        if (outcome !== 'circuit_open')
          this.metrics.intercomRequestDuration.observe({ operation: name }, (performance.now() - startedAt) / 1000);
        this.metrics.intercomRequests.inc({ operation: name, outcome });
      }
    };
    try {
      try {
        return await attempt();
      } catch (error) {
        if (!options.idempotent || !this.isRetryable(error)) throw error;
        return await attempt();
      }
    } catch (error) {
      throw this.translate(name, error);
    }
  }

  onModuleDestroy(): void {
    this.breaker.shutdown();
  }

  private isRetryable(error: unknown): boolean {
    if (error instanceof AppError || error instanceof IntercomTimeoutError) return false;
    if (error instanceof IntercomError) return (error.statusCode ?? 500) >= 500;
    return !(error instanceof Error && error.name === 'TimeoutError');
  }

  private translate(name: string, error: unknown): AppError {
    if (error instanceof AppError) return error;
    if (error instanceof IntercomError && !(error instanceof IntercomTimeoutError) && error.statusCode !== undefined) {
      const status = error.statusCode;
      if (status === 404) return new IntercomNotFoundError();
      if (status === 429) {
        this.limiter.pauseUntil(this.retryAt(error));
        this.logger.warn({ operation: name }, 'Intercom rate limit hit');
        return new IntercomUnavailableError('Intercom is busy, try again shortly');
      }
      if (status === 409) return new IntercomConflictError(existingIdIn(error));
      const attribute = status === 400 ? unknownAttributeIn(error) : undefined;
      if (attribute !== undefined) return new IntercomUnknownAttributeError(attribute);
      if (status < 500) {
        this.logger.warn({ operation: name, status }, 'Intercom rejected a request');
        return new IntercomRejectedError(status);
      }
    }
    const reason = this.breaker.opened ? 'circuit open' : error instanceof Error ? error.name : 'unknown';
    this.logger.warn({ operation: name, reason }, 'Intercom call failed');
    return new IntercomUnavailableError();
  }

  // Intercom's 429 names its window's end in X-RateLimit-Reset and sends no Retry-After (a proxy
  // in between might). Capped at one 10-second window and a second of clock skew.
  private retryAt(error: IntercomError): number {
    const headers = error.rawResponse?.headers;
    const latest = Date.now() + 11_000;
    const retryAfter = Number(headers?.get('retry-after'));
    if (Number.isFinite(retryAfter) && retryAfter > 0) return Math.min(Date.now() + retryAfter * 1000, latest);
    const reset = Number(headers?.get('x-ratelimit-reset'));
    if (Number.isFinite(reset) && reset > 0) return Math.min(reset * 1000, latest);
    return Date.now() + 10_000;
  }
}

// The outcome label of one Intercom call (intercom_requests_total).
function intercomOutcome(error: unknown): string {
  if (error instanceof IntercomTimeoutError || (error instanceof Error && error.name === 'TimeoutError')) return 'timeout';
  if (error instanceof Error && (error as { code?: unknown }).code === 'EOPENBREAKER') return 'circuit_open';
  if (error instanceof IntercomError && error.statusCode !== undefined) {
    if (error.statusCode === 404) return 'not_found';
    if (error.statusCode === 429) return 'rate_limited';
    if (error.statusCode < 500) return 'rejected';
  }
  return 'error';
}
