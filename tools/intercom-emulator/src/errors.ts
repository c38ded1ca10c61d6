import { randomUUID } from 'node:crypto';

/** An Intercom error answer: HTTP status + one `{code, message}` in an `error.list`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function errorBody(
  code: string,
  message: string,
): { type: 'error.list'; request_id: string; errors: { code: string; message: string }[] } {
  return { type: 'error.list', request_id: randomUUID(), errors: [{ code, message }] };
}

export const notFound = (what = 'Resource Not Found'): ApiError => new ApiError(404, 'not_found', what);
export const badRequest = (message: string, code = 'parameter_invalid'): ApiError => new ApiError(400, code, message);
