import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type AuthenticatedRequest, IS_PUBLIC, type SessionUser } from './auth.decorators';
import { AppError } from '../common/errors';
import { enterRequestUser, type RequestUser } from '../common/request-user';
import { UserRateLimiter } from './rate-limit';
import { SessionTokensService } from './session-tokens.service';
import { ACCEPTS_TICKET } from './ticket-auth.decorator';

// Global: every route needs a session unless marked @Public(), and counts against the user's rate limit.
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionTokensService,
    private readonly rateLimiter: UserRateLimiter,
  ) {}

  // Whether a handler is public never changes: look it up once per handler, not per request.
  private readonly publicHandlers = new WeakMap<object, boolean>();
  private readonly ticketHandlers = new WeakMap<object, boolean>();

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const handler = context.getHandler();
    let isPublic = this.publicHandlers.get(handler);
    if (isPublic === undefined) {
      isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [handler, context.getClass()]) ?? false;
      this.publicHandlers.set(handler, isPublic);
    }
    if (isPublic) return true;
    // getArgByIndex(0) is the request; switchToHttp() would build three closures per request.
    const request = context.getArgByIndex<AuthenticatedRequest>(0);
    if (this.acceptsTicket(handler) && (request.query as { ticket?: unknown } | undefined)?.ticket !== undefined) return true;
    // Before the session is verified (possibly asynchronously), so the handler runs in this context.
    const requestUser = enterRequestUser();
    const header = request.headers.authorization;
    // The auth scheme is case-insensitive (RFC 9110).
    if (!header || header.length < 8 || header.slice(0, 7).toLowerCase() !== 'bearer ')
      throw new AppError('unauthorized', 'Missing bearer token');
    const token = header.slice(7).trim();
    const cached = this.sessions.cached(token);
    if (cached) return this.admit(request, cached, handler, requestUser);
    return this.sessions.verify(token).then((user) => this.admit(request, user, handler, requestUser));
  }

  private acceptsTicket(handler: object): boolean {
    let accepts = this.ticketHandlers.get(handler);
    if (accepts === undefined) {
      accepts = this.reflector.get<boolean>(ACCEPTS_TICKET, handler as never) ?? false;
      this.ticketHandlers.set(handler, accepts);
    }
    return accepts;
  }

  // One guard rather than two: the per-user rate limit is counted here, once the user is known.
  private admit(request: AuthenticatedRequest, user: SessionUser, handler: object, requestUser: RequestUser): true {
    this.rateLimiter.check(user.userId, handler);
    requestUser.userId = user.userId;
    request.user = user;
    return true;
  }
}
