import { type ArgumentsHost, Catch, type ExceptionFilter, Inject, Logger, NotFoundException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { mapError } from './error-envelope';

// How an unknown route is answered, asked before the 404 goes out. Provided by the auth module
// (src/auth/hidden-api-routes.ts: 401 for anonymous callers under /api/); this filter knows only
// the interface, so common code does not depend on auth.
export const UNKNOWN_ROUTE_POLICY = Symbol('UNKNOWN_ROUTE_POLICY');
export interface UnknownRoutePolicy {
  // The error to answer with instead of (or as) `notFound`.
  answer(notFound: NotFoundException, request: FastifyRequest): Promise<unknown>;
}

function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply, logger: Logger): void {
  const mapped = mapError(error);
  if (mapped.status >= 500 && mapped.code === 'internal_error') {
    logger.error({ err: error, requestId: request.id }, 'Unhandled error');
  }
  void reply
    .status(mapped.status)
    .headers(mapped.headers)
    .header('x-request-id', request.id)
    .header('content-type', 'application/json; charset=utf-8')
    .send({ error: mapped.code, message: mapped.message, requestId: request.id });
}

// Every failure ends here: Nest's Fastify adapter routes Fastify-level errors (bad JSON, oversize
// bodies, unknown routes) through the global filters too.
@Catch()
export class ErrorEnvelopeFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(@Inject(UNKNOWN_ROUTE_POLICY) private readonly unknownRoutes: UnknownRoutePolicy) {}

  async catch(error: unknown, host: ArgumentsHost): Promise<void> {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    // Nest's router raises NotFoundException for unknown routes (our code throws AppError).
    const answer = error instanceof NotFoundException ? await this.unknownRoutes.answer(error, request) : error;
    sendError(answer, request, http.getResponse<FastifyReply>(), this.logger);
  }
}
