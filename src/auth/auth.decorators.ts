import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiPublic } from '../openapi/api-errors.decorator';

export const IS_PUBLIC = 'support-bff:public';
// Opts a route (or controller) out of the global session guard (and out of the OpenAPI security requirement).
export const Public = (): MethodDecorator & ClassDecorator => applyDecorators(SetMetadata(IS_PUBLIC, true), ApiPublic());

export interface SessionUser {
  userId: string;
  // Telegram chat id for Mini App sessions (private chat with the bot = the Telegram user id).
  telegramChatId: string | null;
  name: string | null;
  email: string | null;
}

export type AuthenticatedRequest = FastifyRequest & { user?: SessionUser };

export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): SessionUser => {
  const user = context.switchToHttp().getRequest<AuthenticatedRequest>().user;
  if (!user) throw new Error('CurrentUser used on a public route');
  return user;
});
