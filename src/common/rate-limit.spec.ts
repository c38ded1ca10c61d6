import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { loadConfig } from '../config/config';
import { RateLimit, UserRateLimitGuard } from './rate-limit';

class Routes {
  @RateLimit('poll')
  poll(): void {}
  plain(): void {}
}

const contextFor = (handler: () => void, userId?: string) =>
  ({
    getHandler: () => handler,
    switchToHttp: () => ({ getRequest: () => ({ user: userId ? { userId } : undefined }) }),
  }) as unknown as ExecutionContext;

describe(UserRateLimitGuard.name, () => {
  let guard: UserRateLimitGuard;
  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
    guard = new UserRateLimitGuard(new Reflector(), loadConfig({ RATE_LIMIT_PER_MIN: '2', RATE_LIMIT_POLL_PER_MIN: '3' }));
  });
  afterEach(() => {
    guard.onModuleDestroy();
    jest.useRealTimers();
  });

  it('limits each user per route class, answering 429 with the seconds left', () => {
    const plain = contextFor(Routes.prototype.plain, 'u1');
    guard.canActivate(plain);
    guard.canActivate(plain);
    jest.setSystemTime(15_000);
    expect(() => guard.canActivate(plain)).toThrow(expect.objectContaining({ code: 'rate_limited', headers: { 'retry-after': '45' } }));
    // The poll class has its own, higher limit; another user is unaffected.
    for (let hit = 0; hit < 3; hit += 1) expect(guard.canActivate(contextFor(Routes.prototype.poll, 'u1'))).toBe(true);
    expect(() => guard.canActivate(contextFor(Routes.prototype.poll, 'u1'))).toThrow();
    expect(guard.canActivate(contextFor(Routes.prototype.plain, 'u2'))).toBe(true);
  });

  it('starts a fresh window after a minute', () => {
    const plain = contextFor(Routes.prototype.plain, 'u1');
    guard.canActivate(plain);
    guard.canActivate(plain);
    jest.setSystemTime(60_000);
    expect(guard.canActivate(plain)).toBe(true);
  });

  it('does not limit public routes (no session user)', () => {
    for (let hit = 0; hit < 10; hit += 1) expect(guard.canActivate(contextFor(Routes.prototype.plain))).toBe(true);
  });
});
