import { createSecretKey, type KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';
import type { SessionUser } from './auth.decorators';
import { AppError } from '../common/errors';
import { cutCodePoints, isSafeText, UNSAFE_TEXT_MESSAGE } from '../common/safe-text';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';

const ASYMMETRIC_ALGORITHMS = ['RS256', 'ES256', 'PS256', 'EdDSA'];

// Verifies tokens minted by the host app's backend for /auth/exchange.
@Injectable()
export class HostTokenService {
  private readonly secretKey: KeyObject | undefined;
  private readonly jwks: ReturnType<typeof createRemoteJWKSet> | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    const { secret, jwksUrl } = config.hostJwt;
    this.secretKey = secret ? createSecretKey(Buffer.from(secret, 'utf8')) : undefined;
    this.jwks = jwksUrl ? createRemoteJWKSet(new URL(jwksUrl)) : undefined;
  }

  async verify(token: string): Promise<SessionUser> {
    // `iat` is required and bounded: a leaked host token is good for HOST_JWT_MAX_AGE_SECONDS at most,
    // whatever `exp` its minter chose.
    const { issuer, audience, maxAgeSeconds } = this.config.hostJwt;
    const options = { issuer, audience, requiredClaims: ['exp', 'sub', 'iat'], maxTokenAge: maxAgeSeconds };
    let payload: JWTPayload;
    try {
      payload = this.jwks
        ? (await jwtVerify(token, this.jwks, { ...options, algorithms: ASYMMETRIC_ALGORITHMS })).payload
        : (await jwtVerify(token, this.secretKey!, { ...options, algorithms: ['HS256'] })).payload;
    } catch {
      throw new AppError('unauthorized', 'Host token is invalid or expired');
    }
    // jose checks that `sub` exists, not its type: a numeric `sub` is an unusable subject, not a crash.
    const sub: unknown = payload.sub;
    if (typeof sub !== 'string' || !sub || sub.length > 128 || sub.startsWith('tg:') || !isSafeText(sub))
      throw new AppError('unauthorized', 'Host token has an unusable subject');
    return {
      userId: sub,
      telegramChatId: null,
      name: claimText(payload, 'name'),
      email: claimText(payload, 'email'),
    };
  }
}

// A profile claim seeds the Intercom contact: cut to 200 code points (never half a pair), and
// refused when it holds text no one can store.
function claimText(payload: JWTPayload, claim: 'name' | 'email'): string | null {
  const value = payload[claim];
  if (typeof value !== 'string') return null;
  if (!isSafeText(value)) throw new AppError('validation_error', `token: the ${claim} claim ${UNSAFE_TEXT_MESSAGE}`);
  return cutCodePoints(value, 200);
}
