import { Injectable, type NotFoundException } from '@nestjs/common';
import { AppError } from '../common/errors';
import type { UnknownRoutePolicy } from '../common/error-envelope.filter';
import type { AuthenticatedRequest } from './auth.decorators';
import { SessionTokensService } from './session-tokens.service';

// Unknown routes under /api/ answer an anonymous (or badly signed) caller exactly as a known one
// would, 401, so the route table cannot be probed; a signed-in caller gets the 404.
@Injectable()
export class HiddenApiRoutes implements UnknownRoutePolicy {
  constructor(private readonly sessions: SessionTokensService) {}

  async answer(notFound: NotFoundException, request: AuthenticatedRequest): Promise<unknown> {
    if (!request.url.startsWith('/api/') || request.user) return notFound;
    const header = request.headers.authorization;
    if (!header || header.slice(0, 7).toLowerCase() !== 'bearer ') return new AppError('unauthorized', 'Missing bearer token');
    return this.sessions.verify(header.slice(7).trim()).then(
      () => notFound,
      (authError: unknown) => authError,
    );
  }
}
