import { Inject, Injectable, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerRequest,
  ThrottlerStorage,
} from '@nestjs/throttler';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { type AuthenticatedRequest } from './auth.decorators';
import { AppError } from './errors';

export type RateLimitClass = 'default' | 'poll' | 'upload';
const RATE_LIMIT_CLASS = 'support-bff:rate-limit-class';
// Per-route override of the per-user limit: polls are frequent by design, uploads are expensive.
export const RateLimit = (kind: RateLimitClass): MethodDecorator => SetMetadata(RATE_LIMIT_CLASS, kind);

export const RATE_LIMIT_WINDOW_MS = 60_000;

// @nestjs/throttler keyed by the session user, only on authenticated routes; the limit per route
// class comes from config.
@Injectable()
export class UserRateLimitGuard extends ThrottlerGuard {
  constructor(
    options: ThrottlerModuleOptions,
    storage: ThrottlerStorage,
    reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super(options, storage, reflector);
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return !context.switchToHttp().getRequest<AuthenticatedRequest>().user;
  }

  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    return (request as unknown as AuthenticatedRequest).user?.userId ?? 'anonymous';
  }

  protected override async handleRequest(props: ThrottlerRequest): Promise<boolean> {
    const kind = this.reflector.get<RateLimitClass | undefined>(RATE_LIMIT_CLASS, props.context.getHandler()) ?? 'default';
    const limits = this.config.rateLimit;
    const limit = kind === 'poll' ? limits.pollPerMinute : kind === 'upload' ? limits.uploadPerMinute : limits.perMinute;
    return super.handleRequest({ ...props, limit, generateKey: (context, tracker) => `${kind}:${tracker}` });
  }

  // The module runs with setHeaders: false (no X-RateLimit-* on every response — they cost the hot
  // path three header writes); the one header clients need, Retry-After, comes with the 429.
  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw new AppError('rate_limited', 'Too many requests, slow down', { 'retry-after': String(Math.max(1, detail.timeToBlockExpire)) });
  }
}
