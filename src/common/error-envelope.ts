import { HttpException } from '@nestjs/common';
import { AppError, type ErrorCode, STATUS_BY_CODE } from './errors';

interface Mapped {
  status: number;
  code: ErrorCode;
  message: string;
  headers: Record<string, string>;
}

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'bad_request',
  429: 'rate_limited',
};

function fromFastifyError(error: { code: string; statusCode?: number }): Mapped | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, code: 'bad_request', message: 'Request body is not valid JSON', headers: {} };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return { status: 400, code: 'bad_request', message: 'Unsupported or missing Content-Type', headers: {} };
    // The client went away mid-body (or was cut off by REQUEST_TIMEOUT_MS): nobody reads this answer.
    case 'ECONNRESET':
      return { status: 400, code: 'bad_request', message: 'The request was aborted', headers: {} };
    case 'FST_ERR_BAD_URL':
      return { status: 400, code: 'bad_request', message: 'The path is not valid URL encoding', headers: {} };
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return { status: 414, code: 'bad_request', message: 'The path is too long', headers: {} };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
      return { status: 413, code: 'payload_too_large', message: 'Request body is too large', headers: {} };
    default:
      break;
  }
  if (error.code.startsWith('FST_') && error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    const code = CODE_BY_STATUS[error.statusCode] ?? 'bad_request';
    return { status: STATUS_BY_CODE[code], code, message: 'The request could not be processed', headers: {} };
  }
  return undefined;
}

// Maps anything thrown anywhere to status + envelope fields; unknown errors become a bare 500.
export function mapError(error: unknown): Mapped {
  if (error instanceof AppError) {
    return { status: error.status, code: error.code, message: error.message, headers: error.headers };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal_error' : 'bad_request');
    // 415 here is Fastify's "no parser for this Content-Type" (our own 415 is an AppError).
    const message =
      status === 404
        ? 'Not found'
        : status === 415
          ? 'Unsupported Content-Type: bodies are application/json (multipart/form-data on the upload)'
          : status >= 500
            ? 'Internal error'
            : error.message;
    return { status: STATUS_BY_CODE[code] === status ? status : STATUS_BY_CODE[code], code, message, headers: {} };
  }
  if (typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string') {
    const mapped = fromFastifyError(error as { code: string; statusCode?: number });
    if (mapped) return mapped;
  }
  return { status: 500, code: 'internal_error', message: 'Internal error', headers: {} };
}
