import { type ArgumentsHost, Catch, type ExceptionFilter, Logger, NotFoundException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SessionTokensService } from '../auth/session-tokens.service';
import type { AuthenticatedRequest } from './auth.decorators';
import { mapError } from './error-envelope';
import { AppError } from './errors';

function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply, logger: Logger): void {
  const mapped = mapError(error);
  if (mapped.status >= 500 && mapped.code === 'internal_error') {
    logger.error({ err: error, requestId: request.id }, 'Unhandled error');
  }
  void reply
    .status(mapped.status)
    .headers(mapped.headers)
    .header('content-type', 'application/json; charset=utf-8')
    .send({ error: mapped.code, message: mapped.message, requestId: request.id });
}

// Every failure ends here: Nest's Fastify adapter routes Fastify-level errors (bad JSON, oversize
// bodies, unknown routes) through the global filters too.
@Catch()
export class ErrorEnvelopeFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly sessions: SessionTokensService) {}

  async catch(error: unknown, host: ArgumentsHost): Promise<void> {
    const http = host.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    sendError(await this.hideApiRoutes(error, request), request, http.getResponse<FastifyReply>(), this.logger);
  }

  // Nest's router raises NotFoundException for unknown routes (our code throws AppError). Under
  // /api/ an anonymous caller gets 401 either way, so the route table cannot be probed.
  private async hideApiRoutes(error: unknown, request: AuthenticatedRequest): Promise<unknown> {
    if (!(error instanceof NotFoundException) || !request.url.startsWith('/api/') || request.user) return error;
    const header = request.headers.authorization;
    if (!header || header.slice(0, 7).toLowerCase() !== 'bearer ') return new AppError('unauthorized', 'Missing bearer token');
    return this.sessions.verify(header.slice(7).trim()).then(
      () => error,
      (authError: unknown) => authError,
    );
  }
}
