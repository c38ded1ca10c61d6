import { createSecretKey } from 'node:crypto';
import { SignJWT } from 'jose';
import { type TestApp, startTestApp } from './helpers/app';
import { bearer, sessionTokenFor } from './helpers/sessions';
import { expectEnvelope } from './helpers/http';
import { signedInitData } from './helpers/telegram-init-data';

describe('Foundation (e2e)', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await startTestApp({ RATE_LIMIT_PER_MIN: '5', BODY_LIMIT_BYTES: '2048' });
  });
  afterAll(() => testApp.close());

  const call = (path: string, init: RequestInit = {}) => fetch(`${testApp.url}${path}`, init);

  describe('health', () => {
    it('answers /health with ok', async () => {
      const response = await call('/health');
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok', version: expect.any(String), commit: null });
    });

    it('answers /ready with the database check', async () => {
      const response = await call('/ready');
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ status: 'ok', checks: { database: 'up' } });
    });
  });

  describe('error envelope', () => {
    it('answers an unknown route with 404 not_found', async () => {
      await expectEnvelope(await call('/nope'), 404, 'not_found');
    });

    it('answers a protected route without a token with 401', async () => {
      await expectEnvelope(await call('/api/conversations'), 401, 'unauthorized');
    });

    it('answers an unknown /api/ route like a known one to a caller without a valid session: 401', async () => {
      await expectEnvelope(await call('/api/no-such-route'), 401, 'unauthorized');
      await expectEnvelope(await call('/api/conversations/1/no-such-action', { method: 'POST' }), 401, 'unauthorized');
      await expectEnvelope(await call('/api/no-such-route', { headers: { authorization: 'Bearer not-a-token' } }), 401, 'unauthorized');
    });

    it('answers malformed JSON with 400 bad_request', async () => {
      const response = await call('/auth/exchange', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"token":' });
      await expectEnvelope(response, 400, 'bad_request');
    });

    it('answers a wrong content type with 400 bad_request', async () => {
      const response = await call('/auth/exchange', { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<token/>' });
      await expectEnvelope(response, 400, 'bad_request');
    });

    it('answers an oversize body with 413 payload_too_large', async () => {
      // /auth/* has its own, smaller cap (AUTH_BODY_LIMIT_BYTES).
      const body = JSON.stringify({ token: 'x'.repeat(testApp.config.auth.bodyLimitBytes) });
      const response = await call('/auth/exchange', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await expectEnvelope(response, 413, 'payload_too_large');
    });

    it('names the failing field in validation errors', async () => {
      const response = await call('/auth/exchange', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: 42 }),
      });
      const body = await expectEnvelope(response, 400, 'validation_error');
      expect(body.message).toMatch(/^token /);
    });

    it('rejects unknown fields naming them', async () => {
      const response = await call('/auth/exchange', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: 'a', admin: true }),
      });
      const body = await expectEnvelope(response, 400, 'validation_error');
      expect(body.message).toContain('admin');
    });

    it('echoes a sane X-Request-Id and replaces an insane one', async () => {
      const echoed = await call('/health', { headers: { 'x-request-id': 'client-req-1' } });
      expect(echoed.headers.get('x-request-id')).toBe('client-req-1');
      const replaced = await call('/health', { headers: { 'x-request-id': 'bad id with spaces' } });
      expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('sessions', () => {
    const hostToken = async (
      claims: Record<string, unknown>,
      overrides: { issuer?: string; audience?: string; secret?: string; issuedAt?: number | null } = {},
    ) => {
      const jwt = new SignJWT({ sub: 'host-user-1', ...claims })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(overrides.issuer ?? testApp.config.hostJwt.issuer)
        .setAudience(overrides.audience ?? testApp.config.hostJwt.audience)
        .setExpirationTime('1h');
      if (overrides.issuedAt !== null) jwt.setIssuedAt(overrides.issuedAt ?? Math.floor(Date.now() / 1000));
      return jwt.sign(createSecretKey(Buffer.from(overrides.secret ?? testApp.config.hostJwt.secret!, 'utf8')));
    };

    const exchange = (token: string) =>
      call('/auth/exchange', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });

    it('exchanges a host token for a session that opens /api routes', async () => {
      const response = await exchange(await hostToken({ name: 'Ann', email: 'ann@example.com' }));
      expect(response.status).toBe(200);
      const session = (await response.json()) as { token: string; expiresAt: number; userId: string };
      expect(session.userId).toBe('host-user-1');
      expect(session.expiresAt).toBeGreaterThan(Date.now());
      const lowerCase = await call('/api/session', { headers: { authorization: `bearer ${session.token}` } });
      expect(lowerCase.status).toBe(200);
      await lowerCase.arrayBuffer();
      const api = await call('/api/session', { headers: bearer(session.token) });
      expect(await api.json()).toEqual({ userId: 'host-user-1', telegramChatId: null });
      await expectEnvelope(await call('/api/anything-missing', { headers: bearer(session.token) }), 404, 'not_found');
    });

    it('signs a Telegram Mini App user in from initData, recording the chat id', async () => {
      const initData = signedInitData(testApp.config.telegram.botToken, { id: 5550001, first_name: 'Tom' });
      const response = await call('/auth/telegram', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ initData }),
      });
      expect(response.status).toBe(200);
      const session = (await response.json()) as { token: string; userId: string };
      expect(session.userId).toBe('tg:5550001');
      const me = await call('/api/session', { headers: bearer(session.token) });
      expect(await me.json()).toEqual({ userId: 'tg:5550001', telegramChatId: '5550001' });
      const tampered = await call('/auth/telegram', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ initData: initData.replace('5550001', '5550002') }),
      });
      await expectEnvelope(tampered, 401, 'unauthorized');
    });

    it('rejects host tokens with a wrong issuer, audience or secret', async () => {
      await expectEnvelope(await exchange(await hostToken({}, { issuer: 'evil' })), 401, 'unauthorized');
      await expectEnvelope(await exchange(await hostToken({}, { audience: 'other' })), 401, 'unauthorized');
      await expectEnvelope(await exchange(await hostToken({}, { secret: 'another-secret-of-enough-length' })), 401, 'unauthorized');
    });

    // #15 item 7: a host token has a maximum age whatever its `exp` says, and a bad `sub` is a 401.
    it('rejects host tokens without iat, older than HOST_JWT_MAX_AGE_SECONDS, or issued in the future', async () => {
      const now = Math.floor(Date.now() / 1000);
      const maxAge = testApp.config.hostJwt.maxAgeSeconds;
      await expectEnvelope(await exchange(await hostToken({}, { issuedAt: null })), 401, 'unauthorized');
      await expectEnvelope(await exchange(await hostToken({}, { issuedAt: now - maxAge - 60 })), 401, 'unauthorized');
      await expectEnvelope(await exchange(await hostToken({}, { issuedAt: now + 600 })), 401, 'unauthorized');
      const fresh = await exchange(await hostToken({}, { issuedAt: now - 5 }));
      expect(fresh.status).toBe(200);
      await fresh.arrayBuffer();
    });

    it.each([[12345], [''], [null], [{ id: 'x' }], [['a']], [`tg:1`], ['x'.repeat(129)]])(
      'answers a host token whose sub is %j with 401, never a 500',
      async (sub) => {
        await expectEnvelope(await exchange(await hostToken({ sub })), 401, 'unauthorized');
      },
    );

    it('never accepts a host token as a session token', async () => {
      const response = await call('/api/session', { headers: bearer(await hostToken({})) });
      await expectEnvelope(response, 401, 'unauthorized');
    });
  });

  describe('rate limiting', () => {
    it('answers 429 rate_limited with Retry-After once a user passes the limit', async () => {
      const token = await sessionTokenFor(testApp, 'rate-limited-user');
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let index = 0; index < 6; index += 1) {
        last = await call('/api/session', { headers: bearer(token) });
        statuses.push(last.status);
        if (index < 5) await last.arrayBuffer();
      }
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      await expectEnvelope(last!, 429, 'rate_limited');
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
      // Another user is not affected.
      const other = await call('/api/session', { headers: bearer(await sessionTokenFor(testApp, 'other-user')) });
      expect(other.status).toBe(200);
    });
  });

  describe('OpenAPI', () => {
    it('serves the generated document at /docs/json', async () => {
      const response = await call('/docs/json');
      expect(response.status).toBe(200);
      const document = (await response.json()) as { paths: Record<string, unknown> };
      expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/auth/telegram', '/auth/exchange', '/health', '/ready']));
    });
  });
});
