// Every failure the SDK reports: the server's error envelope, or a transport failure (status 0).
export class SupportApiError extends Error {
  override readonly name = 'SupportApiError';
  constructor(
    // HTTP status; 0 when no response arrived (network error, aborted, bad JSON).
    readonly status: number,
    // The envelope's `error` (`validation_error`, `rate_limited`, …) or `network_error`.
    readonly code: string,
    message: string,
    readonly requestId: string | null,
    // Seconds from a 429's Retry-After header, else null.
    readonly retryAfter: number | null,
  ) {
    super(message);
  }

  // Worth another attempt with the same request (sends keep their clientMessageId).
  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status === 502 || this.status === 503;
  }
}

export function parseRetryAfter(value: string | null): number | null {
  if (value === null) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

// Builds the error from a non-2xx response (the envelope when the body is one).
export async function errorFromResponse(response: Response): Promise<SupportApiError> {
  let envelope: { error?: unknown; message?: unknown; requestId?: unknown } = {};
  try {
    envelope = (await response.json()) as typeof envelope;
  } catch {
    // Not JSON (a proxy's page): keep the status, invent nothing.
  }
  const requestId = typeof envelope.requestId === 'string' ? envelope.requestId : response.headers.get('x-request-id');
  return new SupportApiError(
    response.status,
    typeof envelope.error === 'string' ? envelope.error : `http_${response.status}`,
    typeof envelope.message === 'string' ? envelope.message : response.statusText || `HTTP ${response.status}`,
    requestId,
    parseRetryAfter(response.headers.get('retry-after')),
  );
}

export function networkError(cause: unknown): SupportApiError {
  const error = new SupportApiError(0, 'network_error', cause instanceof Error ? cause.message : String(cause), null, null);
  (error as { cause?: unknown }).cause = cause;
  return error;
}
