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
      customLogLevel: (request, response, error) => {
        if (error || response.statusCode >= 500) return 'error';
        if (response.statusCode >= 400) return 'warn';
        // Successful polls and probes arrive tens of thousands of times a second and say nothing:
        // one line each cost a fifth of a poll's CPU time. They are logged at debug; failures always.
        return isRoutine(request.url) ? 'debug' : 'info';
      },
    },
  };
}

const ROUTINE = /^\/(?:health|ready)(?:\?|$)|^\/api\/conversations\/[^/]+\/poll(?:\?|$)/;

function isRoutine(url: string | undefined): boolean {
  return url !== undefined && ROUTINE.test(url);
}
