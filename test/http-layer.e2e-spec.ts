import { connect } from 'node:net';
import { signWebhook } from '../tools/intercom-emulator/src';
import { type TestApp, startTestApp } from './helpers/app';
import { bearer, sessionTokenFor } from './helpers/sessions';
import { expectEnvelope } from './helpers/http';

// #15 item 8 (every error is the envelope, also what the HTTP layer raises; only JSON bodies;
// null is not {}; 401 before body parsing) and item 1's cheap rejections (JSON depth and key
// count bounded before any DTO work; the webhook signature checked before any parse).

const SECRET = 'http-layer-client-secret';

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

// A request written on a socket as is (fetch would refuse it, or fix it).
function rawRequest(url: string, request: string): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head, body] = text.split('\r\n\r\n');
      const [statusLine, ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(body) as Record<string, unknown> });
    });
  });
}

describe('HTTP layer: every refusal is the envelope, bodies are JSON and bounded (#15 items 1, 8)', () => {
  let testApp: TestApp;
  let token: string;
  beforeAll(async () => {
    testApp = await startTestApp({ INTERCOM_CLIENT_SECRET: SECRET, MAX_URL_LENGTH: '4096', JSON_MAX_DEPTH: '16', JSON_MAX_KEYS: '500' });
    token = await sessionTokenFor(testApp, 'http-layer-user');
  });
  afterAll(() => testApp.close());

  const call = (path: string, init: RequestInit = {}) => fetch(`${testApp.url}${path}`, init);
  const postJson = (path: string, body: string, headers: Record<string, string> = {}) =>
    call(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  describe('what the HTTP layer answers itself', () => {
    it('answers a URL over MAX_URL_LENGTH with 414 and the envelope', async () => {
      await expectEnvelope(await call(`/health?pad=${'a'.repeat(4100)}`), 414, 'bad_request');
      await expectEnvelope(await call(`/api/conversations?pad=${'a'.repeat(4100)}`, { headers: bearer(token) }), 414, 'bad_request');
    });

    it('lets a long path parameter under the URL cap reach its route (no 414 of its own)', async () => {
      await expectEnvelope(await call(`/api/conversations/${'1'.repeat(3000)}`), 401, 'unauthorized');
      const signedIn = await call(`/api/conversations/${'1'.repeat(3000)}`, { headers: bearer(token) });
      expect([400, 404]).toContain(signedIn.status);
      await signedIn.arrayBuffer();
    });

    it('answers headers over MAX_HEADER_BYTES with 431 and the envelope', async () => {
      await expectEnvelope(await call('/health', { headers: { 'x-padding': 'a'.repeat(20_000) } }), 431, 'bad_request');
    });

    it('answers a path that is not valid URL encoding with 400 and the envelope', async () => {
      await expectEnvelope(await call('/api/conversations/%E0%A4%A', { headers: bearer(token) }), 400, 'bad_request');
    });

    it('answers a method Node does not know, and one no route takes, with the 404 envelope', async () => {
      const answer = await rawRequest(testApp.url, 'FOO /health HTTP/1.1\r\nHost: localhost\r\n\r\n');
      expect(answer.status).toBe(404);
      expect(answer.body).toEqual({ error: 'not_found', message: expect.any(String), requestId: answer.headers['x-request-id'] });
      expect(answer.headers['content-type']).toMatch(/^application\/json/);
      await expectEnvelope(await call('/health', { method: 'PATCH' }), 404, 'not_found');
    });

    it('answers a request Node cannot parse with the 400 envelope', async () => {
      const answer = await rawRequest(testApp.url, 'GET /health HTTP/1.1\r\nHost: localhost\r\nBad Header\r\n\r\n');
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ error: 'bad_request', message: expect.any(String), requestId: answer.headers['x-request-id'] });
    });
  });

  describe('only JSON bodies, and a JSON body is an object', () => {
    it.each(['application/x-www-form-urlencoded', 'text/plain', 'application/xml'])('refuses %s with 400 bad_request', async (type) => {
      const response = await call('/auth/exchange', { method: 'POST', headers: { 'content-type': type }, body: 'token=abc' });
      await expectEnvelope(response, 400, 'bad_request');
    });

    it('refuses multipart on a route that is not the upload', async () => {
      const form = new FormData();
      form.append('token', 'abc');
      await expectEnvelope(await call('/auth/exchange', { method: 'POST', body: form }), 400, 'bad_request');
      await expectEnvelope(await call('/api/conversations', { method: 'POST', body: form, headers: bearer(token) }), 400, 'bad_request');
    });

    it.each(['null', '[]', '42', '"token"', 'true'])('refuses the whole-body %s (it is not {})', async (body) => {
      await expectEnvelope(await postJson('/auth/exchange', body), 400, 'bad_request');
      // PUT /api/settings/notifications has only optional fields: null used to pass as {}.
      const put = await call('/api/settings/notifications', {
        method: 'PUT',
        headers: { ...bearer(token), 'content-type': 'application/json' },
        body,
      });
      await expectEnvelope(put, 400, 'bad_request');
    });

    it('refuses __proto__ keys (prototype poisoning)', async () => {
      await expectEnvelope(await postJson('/auth/exchange', '{"token":"a","__proto__":{"admin":true}}'), 400, 'bad_request');
      await expectEnvelope(
        await postJson('/auth/exchange', '{"token":"a","constructor":{"prototype":{"admin":true}}}'),
        400,
        'bad_request',
      );
    });

    it('answers an anonymous /api/* request with a body 401 before its body is parsed', async () => {
      await expectEnvelope(await postJson('/api/conversations', '{"body":'), 401, 'unauthorized');
      await expectEnvelope(await postJson('/api/conversations', 'null', { authorization: 'Bearer forged' }), 401, 'unauthorized');
      await expectEnvelope(
        await call('/api/conversations', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' }),
        401,
        'unauthorized',
      );
      await expectEnvelope(await postJson('/api/no-such-route', '{"body":'), 401, 'unauthorized');
      // With a session the same body is what it is: malformed JSON.
      await expectEnvelope(await postJson('/api/conversations', '{"body":', bearer(token)), 400, 'bad_request');
    });
  });

  describe('JSON bounded before any DTO work (JSON_MAX_DEPTH, JSON_MAX_KEYS)', () => {
    it('refuses a 4,000-deep body with 400 (it was a 500: a stack overflow)', async () => {
      const deep = `{"body":${'['.repeat(4000)}${']'.repeat(4000)}}`;
      await expectEnvelope(await postJson('/api/conversations', deep, bearer(token)), 400, 'bad_request');
      const deepObject = `${'{"a":'.repeat(4000)}1${'}'.repeat(4000)}`;
      await expectEnvelope(await postJson('/api/conversations', deepObject, bearer(token)), 400, 'bad_request');
    });

    it('refuses a 20,000-key body with 413 before validation looks at it', async () => {
      const keys = Object.fromEntries(Array.from({ length: 20_000 }, (_, index) => [`k${index}`, 1]));
      // Unknown fields would be a validation_error naming them: 413 says the DTO never saw it.
      await expectEnvelope(
        await postJson('/api/conversations', JSON.stringify({ body: 'hi', ...keys }), bearer(token)),
        413,
        'payload_too_large',
      );
      const items = JSON.stringify({ body: 'hi', attachmentIds: Array.from({ length: 20_000 }, () => 0) });
      await expectEnvelope(await postJson('/api/conversations', items, bearer(token)), 413, 'payload_too_large');
    });

    it('accepts a body within the bounds, brackets in strings not counted', async () => {
      const text = `${'['.repeat(100)} {"a": [1, 2]} \\" ${'{'.repeat(100)}`;
      const response = await call('/api/settings/notifications', {
        method: 'PUT',
        headers: { ...bearer(token), 'content-type': 'application/json' },
        body: JSON.stringify({ unknown: text }),
      });
      // Parsed and handed to validation: the unknown field is named.
      const body = await expectEnvelope(response, 400, 'validation_error');
      expect(body.message).toContain('unknown');
    });
  });

  describe('the webhook: signature over the raw bytes before any parse', () => {
    it('answers an unsigned body that is not even JSON 401, not 400: it was never parsed', async () => {
      await expectEnvelope(await postJson('/webhooks/intercom', '{not json'), 401, 'unauthorized');
      await expectEnvelope(await postJson('/webhooks/intercom', '{not json', { 'x-hub-signature': 'sha1=00' }), 401, 'unauthorized');
    });

    it('answers an unsigned 1 MB body 401 (an HMAC, no parse)', async () => {
      const big = `{"pad":"${'x'.repeat(1024 * 1024 - 20)}"}`;
      await expectEnvelope(await postJson('/webhooks/intercom', big, { 'x-hub-signature': 'sha1=0000' }), 401, 'unauthorized');
    });

    it('parses a signed body: bad JSON is then a 400, a ping is acknowledged', async () => {
      const bad = '{not json';
      await expectEnvelope(await postJson('/webhooks/intercom', bad, { 'x-hub-signature': signWebhook(bad, SECRET) }), 400, 'bad_request');
      const deep = `{"type":"notification_event","topic":"ping","data":${'['.repeat(100)}${']'.repeat(100)}}`;
      await expectEnvelope(
        await postJson('/webhooks/intercom', deep, { 'x-hub-signature': signWebhook(deep, SECRET) }),
        400,
        'bad_request',
      );
      const ping = JSON.stringify({ type: 'notification_event', topic: 'ping', id: null, data: { item: {} } });
      const acknowledged = await postJson('/webhooks/intercom', ping, { 'x-hub-signature': signWebhook(ping, SECRET) });
      expect(acknowledged.status).toBe(200);
      expect(await acknowledged.json()).toEqual({ received: true, duplicate: false });
    });
  });
});
