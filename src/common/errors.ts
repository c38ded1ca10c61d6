export type ErrorCode =
  | 'validation_error'
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'service_unavailable'
  | 'internal_error';

export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  validation_error: 400,
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  service_unavailable: 502,
  internal_error: 500,
};

export const ERROR_CODES = Object.keys(STATUS_BY_CODE) as ErrorCode[];

// The one error type services throw; the global filter turns it into the envelope. `httpStatus`
// is for what the HTTP layer itself answers under a code (414 / 431 are `bad_request`).
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
    private readonly httpStatus?: number,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return this.httpStatus ?? STATUS_BY_CODE[this.code];
  }
}

export const notFound = (what = 'Resource'): AppError => new AppError('not_found', `${what} not found`);
