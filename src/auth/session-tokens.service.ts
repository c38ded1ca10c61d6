import { createSecretKey, type KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { LRUCache } from 'lru-cache';
import type { SessionUser } from './auth.decorators';
import { AppError } from '../common/errors';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';

const ALGORITHM = 'HS256';
// A distinct JWT type header: a host-app token (or any other JWT signed with a shared secret) can
// never pass as one of ours even if secrets were mixed up.
const TOKEN_TYPE = 'bff-session+jwt';

export interface IssuedSession {
  token: string;
  expiresAt: number;
  userId: string;
}

@Injectable()
export class SessionTokensService {
  private readonly key: KeyObject;
  // Verified tokens keyed by the exact token string, each kept no longer than its own exp.
  private readonly verified: LRUCache<string, SessionUser> | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.key = createSecretKey(Buffer.from(config.session.secret, 'utf8'));
    const max = config.session.cacheSize;
    this.verified = max > 0 ? new LRUCache({ max, ttlAutopurge: false }) : undefined;
  }

  async issue(user: SessionUser): Promise<IssuedSession> {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + this.config.session.ttlSeconds;
    const token = await new SignJWT({
      tg: user.telegramChatId ?? undefined,
      name: user.name ?? undefined,
      email: user.email ?? undefined,
    })
      .setProtectedHeader({ alg: ALGORITHM, typ: TOKEN_TYPE })
      .setSubject(user.userId)
      .setIssuer(this.config.session.issuer)
      .setAudience(this.config.session.audience)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(exp)
      .sign(this.key);
    return { token, expiresAt: exp * 1000, userId: user.userId };
  }

  // A token verified before and not yet expired, without the async round (the poll's hot path).
  cached(token: string): SessionUser | undefined {
    return this.verified?.get(token);
  }

  async verify(token: string): Promise<SessionUser> {
    const cached = this.verified?.get(token);
    if (cached) return cached;
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [ALGORITHM],
        issuer: this.config.session.issuer,
        audience: this.config.session.audience,
        typ: TOKEN_TYPE,
        requiredClaims: ['exp', 'sub', 'iat'],
      });
      if (typeof payload.sub !== 'string' || payload.sub === '' || typeof payload.exp !== 'number') {
        throw new AppError('unauthorized', 'Invalid session token');
      }
      const user: SessionUser = {
        userId: payload.sub,
        telegramChatId: typeof payload.tg === 'string' ? payload.tg : null,
        name: typeof payload.name === 'string' ? payload.name : null,
        email: typeof payload.email === 'string' ? payload.email : null,
      };
      const ttl = payload.exp * 1000 - Date.now();
      if (ttl > 0) this.verified?.set(token, user, { ttl });
      return user;
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (error instanceof joseErrors.JWTExpired) throw new AppError('unauthorized', 'Session token expired');
      throw new AppError('unauthorized', 'Invalid session token');
    }
  }
}
