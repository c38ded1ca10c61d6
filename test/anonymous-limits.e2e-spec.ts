import { FilesService } from '../src/files/files.service';
import { signWebhook } from '../tools/intercom-emulator/src';
import { type TestApp, startTestApp } from './helpers/app';
import { png } from './helpers/file-samples';
import { bearer, sessionTokenFor } from './helpers/sessions';
import { expectEnvelope } from './helpers/http';

// #15 item 1: per-IP limits on the anonymous routes. /auth/* counts every request (and takes a
// small body); the webhook and the signed file link count only failures, so a valid signed
// request is never throttled. TRUSTED_PROXY decides whether X-Forwarded-For names the client.

const SECRET = 'anonymous-limits-client-secret';
const LIMITS = {
  INTERCOM_CLIENT_SECRET: SECRET,
  RATE_LIMIT_AUTH_PER_IP_PER_MIN: '3',
  RATE_LIMIT_WEBHOOK_FAILURES_PER_IP_PER_MIN: '3',
  RATE_LIMIT_FILE_LINK_FAILURES_PER_IP_PER_MIN: '3',
};

const expectRateLimited = async (response: Response) => {
  await expectEnvelope(response, 429, 'rate_limited');
  expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
};

describe('per-IP limits on anonymous routes, behind a trusted proxy (#15 item 1)', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await startTestApp({ ...LIMITS, TRUSTED_PROXY: '127.0.0.1' });
  });
  afterAll(() => testApp.close());

  const from = (ip: string) => ({ 'x-forwarded-for': ip });
  const exchange = (ip: string, body = '{"token":"not-a-jwt"}') =>
    fetch(`${testApp.url}/auth/exchange`, { method: 'POST', headers: { 'content-type': 'application/json', ...from(ip) }, body });
  const webhook = (ip: string, body: string, signature: string) =>
    fetch(`${testApp.url}/webhooks/intercom`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature': signature, ...from(ip) },
      body,
    });

  it('limits every /auth/* request per client IP, before its body is read', async () => {
    for (let attempt = 0; attempt < 3; attempt += 1) await expectEnvelope(await exchange('10.0.0.1'), 401, 'unauthorized');
    await expectRateLimited(await exchange('10.0.0.1'));
    // Past the limit even a malformed body is a 429: it was never parsed.
    await expectRateLimited(await exchange('10.0.0.1', '{"token":'));
    await expectRateLimited(
      await fetch(`${testApp.url}/auth/telegram`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...from('10.0.0.1') },
        body: '{"initData":"a"}',
      }),
    );
    // Another client behind the same proxy has its own window.
    await expectEnvelope(await exchange('10.0.0.2'), 401, 'unauthorized');
  });

  it('caps /auth/* bodies at AUTH_BODY_LIMIT_BYTES', async () => {
    const body = JSON.stringify({ token: 'a'.repeat(testApp.config.auth.bodyLimitBytes) });
    await expectEnvelope(await exchange('10.0.1.1', body), 413, 'payload_too_large');
    // The largest token the schema allows fits.
    await expectEnvelope(await exchange('10.0.1.2', JSON.stringify({ token: 'a'.repeat(4096) })), 401, 'unauthorized');
  });

  it('counts only badly signed webhooks: a signed one is never throttled', async () => {
    for (let attempt = 0; attempt < 3; attempt += 1) await expectEnvelope(await webhook('10.0.2.1', '{}', 'sha1=00'), 401, 'unauthorized');
    await expectRateLimited(await webhook('10.0.2.1', '{}', 'sha1=00'));
    // The same address sends a burst of valid webhooks: every one is taken.
    const ping = JSON.stringify({ type: 'notification_event', topic: 'ping', id: null, data: { item: {} } });
    for (let index = 0; index < 10; index += 1) {
      const response = await webhook('10.0.2.1', ping, signWebhook(ping, SECRET));
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
  });

  it('counts only bad file links: a valid link is never throttled', async () => {
    const token = await sessionTokenFor(testApp, 'limits-file-owner');
    const form = new FormData();
    form.append('file', new Blob([png()]), 'a.png');
    const uploaded = (await (
      await fetch(`${testApp.url}/api/files/upload`, { method: 'POST', headers: bearer(token), body: form })
    ).json()) as { files: { id: string }[] };
    const link = new URL(testApp.app.get(FilesService).signedUrl(uploaded.files[0].id));
    const fetchLink = (path: string) => fetch(`${testApp.url}${path}`, { headers: from('10.0.3.1') });

    await expectEnvelope(await fetchLink(`${link.pathname}?e=${link.searchParams.get('e')}&t=${'0'.repeat(64)}`), 403, 'forbidden');
    await expectEnvelope(await fetchLink('/files/not-a-file-id?e=1&t=x'), 404, 'not_found');
    await expectEnvelope(await fetchLink(`${link.pathname}?e=1&t=${link.searchParams.get('t')}`), 403, 'forbidden');
    await expectRateLimited(await fetchLink(`${link.pathname}?e=1&t=x`));
    for (let index = 0; index < 5; index += 1) {
      const response = await fetchLink(`${link.pathname}${link.search}`);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
  });
});

describe('per-IP limits without a trusted proxy', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await startTestApp(LIMITS);
  });
  afterAll(() => testApp.close());

  it('ignores X-Forwarded-For: a client cannot dodge the limit by naming another address', async () => {
    const exchange = (ip: string) =>
      fetch(`${testApp.url}/auth/exchange`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
        body: '{"token":"not-a-jwt"}',
      });
    for (let attempt = 0; attempt < 3; attempt += 1) await expectEnvelope(await exchange(`10.9.0.${attempt}`), 401, 'unauthorized');
    await expectRateLimited(await exchange('10.9.0.99'));
  });
});
