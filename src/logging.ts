import type { Params } from 'nestjs-pino';
import type { AppConfig } from './config/config';
import { requestIdFor } from './common/request-id';

// Structured JSON logs (pino) with the request id on every line; credentials never logged.
export function loggerOptions(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      genReqId: (request) => requestIdFor(request),
      customProps: () => ({ service: 'support-bff' }),
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-hub-signature"]', 'req.query.t'],
        censor: '[redacted]',
      },
      serializers: {
        req: (request: { id: string; method: string; url: string }) => ({
          id: request.id,
          method: request.method,
          url: request.url.split('?')[0],
        }),
      },
      customLogLevel: (_request, response, error) =>
        error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info',
    },
  };
}
