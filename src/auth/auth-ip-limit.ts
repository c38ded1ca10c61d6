import type { onRequestHookHandler } from 'fastify';
import type { DeclaredError } from '../openapi/api-errors.decorator';
import type { UserRateLimiter } from './rate-limit';

// What every /auth/* operation can answer besides its own errors (its 413 is the smaller cap).
export const SIGN_IN_ERRORS: DeclaredError[] = [
  ['rate_limited', 'more than RATE_LIMIT_AUTH_PER_IP_PER_MIN sign-in requests a minute from this client IP (every request counts)'],
  ['payload_too_large', 'request body over AUTH_BODY_LIMIT_BYTES (default 8192 bytes), or a JSON body with more than JSON_MAX_KEYS keys'],
];

// onRequest on /auth/*: every sign-in attempt counts against its client IP
// (RATE_LIMIT_AUTH_PER_IP_PER_MIN), before its body is read, so guessing or replaying tokens from
// one address is slowed to a trickle and costs us no parse or signature check past the limit.
export function authPerIp(limiter: UserRateLimiter): onRequestHookHandler {
  return (request, _reply, done) => {
    if (!request.url.startsWith('/auth/')) {
      done();
      return;
    }
    try {
      limiter.hitIp('auth', request.ip);
      done();
    } catch (error) {
      done(error as Error);
    }
  };
}
