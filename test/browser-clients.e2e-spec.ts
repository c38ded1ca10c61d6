import { type TestApp, startTestApp } from './helpers/app';
import { bearer, sessionTokenFor } from './helpers/sessions';

const MINI_APP = 'https://mini.example.com';
const STRANGER = 'https://evil.example.com';

const preflight = (url: string, origin: string, method = 'POST') =>
  fetch(url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization,content-type' },
  });

describe('Browser clients: CORS and response headers (e2e)', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await startTestApp({ CORS_ORIGINS: `${MINI_APP}, https://other.example.com` });
  });
  afterAll(() => testApp.close());

  describe('preflight', () => {
    it.each(['/api/conversations', '/api/conversations/123/reply', '/auth/telegram', '/auth/exchange'])(
      'answers 204 for %s from an allowed origin, without a session',
      async (path) => {
        const response = await preflight(`${testApp.url}${path}`, MINI_APP);
        expect(response.status).toBe(204);
        expect(response.headers.get('access-control-allow-origin')).toBe(MINI_APP);
        expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toEqual(
          expect.stringMatching(/authorization.*content-type/),
        );
        expect(response.headers.get('access-control-allow-methods')).toContain('POST');
        expect(response.headers.get('vary')).toMatch(/origin/i);
        expect(await response.text()).toBe('');
      },
    );

    it('allows PUT and DELETE (settings, devices)', async () => {
      const response = await preflight(`${testApp.url}/api/devices/1`, MINI_APP, 'DELETE');
      expect(response.headers.get('access-control-allow-methods')).toEqual(expect.stringMatching(/PUT.*DELETE|DELETE.*PUT/));
    });

    it('gives an origin that is not on the list no CORS headers at all', async () => {
      const response = await preflight(`${testApp.url}/api/conversations`, STRANGER);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(response.headers.get('access-control-allow-methods')).toBeNull();
      // Not answered as a preflight: the request falls through to the normal (enveloped) error path.
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(await response.json()).toEqual({ error: expect.any(String), message: expect.any(String), requestId: expect.any(String) });
    });

    it('does not open routes outside /api and /auth (the webhook)', async () => {
      const response = await preflight(`${testApp.url}/webhooks/intercom`, MINI_APP);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  describe('actual requests', () => {
    it('reflects the allowed origin (never *) and exposes the request id and Retry-After', async () => {
      const token = await sessionTokenFor(testApp, 'cors-user');
      const response = await fetch(`${testApp.url}/api/settings/notifications`, { headers: { origin: MINI_APP, ...bearer(token) } });
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe(MINI_APP);
      expect(response.headers.get('access-control-expose-headers')).toEqual(expect.stringMatching(/X-Request-Id.*Retry-After/));
    });

    it('puts CORS headers on errors too, so the browser lets the client read the envelope', async () => {
      const response = await fetch(`${testApp.url}/api/conversations`, { headers: { origin: MINI_APP } });
      expect(response.status).toBe(401);
      expect(response.headers.get('access-control-allow-origin')).toBe(MINI_APP);
    });

    it('sends no CORS headers to a stranger', async () => {
      const response = await fetch(`${testApp.url}/api/conversations`, { headers: { origin: STRANGER } });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('says an /api answer varies by Origin even to a request without one (a cache must not reuse it for a browser)', async () => {
      const token = await sessionTokenFor(testApp, 'vary-user');
      const response = await fetch(`${testApp.url}/api/settings/notifications`, { headers: bearer(token) });
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(response.headers.get('vary')).toMatch(/origin/i);
    });
  });

  describe('response headers', () => {
    it('marks /api and /auth answers no-store and nosniff', async () => {
      const token = await sessionTokenFor(testApp, 'headers-user');
      const api = await fetch(`${testApp.url}/api/settings/notifications`, { headers: bearer(token) });
      const auth = await fetch(`${testApp.url}/auth/telegram`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ initData: 'bad' }),
      });
      for (const response of [api, auth]) {
        expect(response.headers.get('cache-control')).toBe('no-store');
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      }
    });

    it('marks every JSON answer nosniff, including errors outside /api', async () => {
      for (const path of ['/health', '/nope']) {
        const response = await fetch(`${testApp.url}${path}`);
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      }
    });
  });
});

describe('Browser clients: default allow-list (e2e)', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await startTestApp({ PUBLIC_BASE_URL: 'http://127.0.0.1:3999' });
  });
  afterAll(() => testApp.close());

  it("allows only the BFF's own origin", async () => {
    const own = await preflight(`${testApp.url}/api/conversations`, 'http://127.0.0.1:3999');
    expect(own.status).toBe(204);
    expect(own.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:3999');
    const other = await preflight(`${testApp.url}/api/conversations`, MINI_APP);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
