import { Reflector } from '@nestjs/core';
import { loadConfig } from '../config/config';
import { RateLimit, UserRateLimiter } from './rate-limit';

class Routes {
  @RateLimit('poll')
  poll(): void {}
  plain(): void {}
}

describe(UserRateLimiter.name, () => {
  let limiter: UserRateLimiter;
  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
    limiter = new UserRateLimiter(
      new Reflector(),
      loadConfig({
        NODE_ENV: 'development',
        RATE_LIMIT_PER_MIN: '2',
        RATE_LIMIT_POLL_PER_MIN: '3',
        RATE_LIMIT_AUTH_PER_IP_PER_MIN: '2',
        RATE_LIMIT_WEBHOOK_FAILURES_PER_IP_PER_MIN: '1',
      }),
    );
  });
  afterEach(() => {
    limiter.onModuleDestroy();
    jest.useRealTimers();
  });

  it('limits each user per route class, answering 429 with the seconds left', () => {
    limiter.check('u1', Routes.prototype.plain);
    limiter.check('u1', Routes.prototype.plain);
    jest.setSystemTime(15_000);
    expect(() => limiter.check('u1', Routes.prototype.plain)).toThrow(
      expect.objectContaining({ code: 'rate_limited', headers: { 'retry-after': '45' } }),
    );
    // The poll class has its own, higher limit; another user is unaffected.
    for (let hit = 0; hit < 3; hit += 1) expect(() => limiter.check('u1', Routes.prototype.poll)).not.toThrow();
    expect(() => limiter.check('u1', Routes.prototype.poll)).toThrow();
    expect(() => limiter.check('u2', Routes.prototype.plain)).not.toThrow();
  });

  it('starts a fresh window after a minute', () => {
    limiter.check('u1', Routes.prototype.plain);
    limiter.check('u1', Routes.prototype.plain);
    jest.setSystemTime(60_000);
    expect(() => limiter.check('u1', Routes.prototype.plain)).not.toThrow();
  });

  it('keeps per-IP windows per class, apart from the per-user ones', () => {
    limiter.hitIp('auth', '10.0.0.1');
    limiter.hitIp('auth', '10.0.0.1');
    expect(() => limiter.hitIp('auth', '10.0.0.1')).toThrow(
      expect.objectContaining({ code: 'rate_limited', headers: { 'retry-after': '60' } }),
    );
    expect(() => limiter.hitIp('auth', '10.0.0.2')).not.toThrow();
    limiter.hitIp('webhookFailures', '10.0.0.1');
    expect(() => limiter.hitIp('webhookFailures', '10.0.0.1')).toThrow(expect.objectContaining({ code: 'rate_limited' }));
    // A user id that happens to look like the IP has its own window.
    expect(() => limiter.check('10.0.0.1', Routes.prototype.plain)).not.toThrow();
  });
});
