import { backoffDelayMs, sleep } from './backoff.js';
import { SupportApiError, errorFromResponse, networkError } from './errors.js';
import type { SessionManager } from './session.js';

export interface RetryPolicy {
  // Retries after the first attempt (network error, 502/503, 429).
  maxRetries: number;
  retryBaseDelayMs: number;
  maxRetryDelayMs: number;
  // A 429 asking for a longer wait than this is reported instead of waited out.
  maxRetryAfterSeconds: number;
}

export interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  // Only for requests that are safe to repeat: reads, and sends that carry a clientMessageId.
  retry?: boolean;
  signal?: AbortSignal;
}

const isAbort = (error: unknown): boolean => error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');

// JSON over fetch with the session header, one re-sign-in on 401, and retries where they are safe.
export class Transport {
  constructor(
    readonly serverUrl: string,
    readonly fetchImpl: typeof fetch,
    readonly sessions: SessionManager,
    private readonly policy: RetryPolicy,
  ) {}

  url(path: string, query: RequestOptions['query'] = {}): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
    const search = params.toString();
    return `${this.serverUrl}${path}${search ? `?${search}` : ''}`;
  }

  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const url = this.url(path, options.query);
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    for (let attempt = 0; ; attempt++) {
      let error: SupportApiError;
      try {
        const response = await this.authorized(
          url,
          { method, body, headers: body === undefined ? {} : { 'content-type': 'application/json' } },
          options.signal,
        );
        if (response.ok) return (response.status === 204 ? undefined : await response.json()) as T;
        error = await errorFromResponse(response);
      } catch (caught) {
        if (caught instanceof SupportApiError) error = caught;
        else if (isAbort(caught)) throw caught;
        else error = networkError(caught);
      }
      const delay = options.retry ? this.retryDelay(error, attempt) : null;
      if (delay === null) throw error;
      await sleep(delay, options.signal);
    }
  }

  // One request with the session token; on a 401 the session is renewed once and the request repeated.
  async authorized(url: string, init: RequestInit, signal?: AbortSignal): Promise<Response> {
    for (let renewed = false; ; renewed = true) {
      const token = await this.sessions.token();
      const response = await this.fetchImpl(url, {
        ...init,
        signal,
        headers: { accept: 'application/json', ...init.headers, authorization: `Bearer ${token}` },
      });
      if (response.status !== 401 || renewed) return response;
      await response.body?.cancel();
      this.sessions.invalidate(token);
    }
  }

  retryDelay(error: SupportApiError, attempt: number): number | null {
    if (!error.retryable || attempt >= this.policy.maxRetries) return null;
    if (error.retryAfter !== null) return error.retryAfter > this.policy.maxRetryAfterSeconds ? null : error.retryAfter * 1000;
    return backoffDelayMs(attempt, { baseDelayMs: this.policy.retryBaseDelayMs, maxDelayMs: this.policy.maxRetryDelayMs });
  }
}
