import { Logger } from '@nestjs/common';
import { type TestApp, startTestApp } from './helpers/app';
import { bearer, sessionTokenFor } from './helpers/sessions';

describe('Diagnostics (e2e)', () => {
  let testApp: TestApp;
  let token: string;
  let logged: jest.SpyInstance;
  beforeAll(async () => {
    testApp = await startTestApp();
    token = await sessionTokenFor(testApp, 'tg:777000');
  });
  afterAll(() => testApp.close());
  beforeEach(() => {
    logged = jest.spyOn(Logger.prototype, 'log');
  });
  afterEach(() => logged.mockRestore());

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${testApp.url}/api/diagnostics`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json', ...headers },
      body,
    });
  const diagnosticsLines = () => logged.mock.calls.filter((call) => call[1] === 'Client diagnostics').map((call) => call[0]);

  it('accepts a report with 204 and logs only the allow-listed, redacted fields', async () => {
    const response = await post(
      JSON.stringify({
        platform: 'android',
        appVersion: '5.2.0',
        deviceModel: 'Pixel 8 owned by jane@example.com',
        eventName: 'upload_failed',
        errorCode: 'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl',
        networkType: 'cellular',
        timings: { uploadMs: 1234 },
        counters: { retries: 3 },
        phone: '+1 555 123 4567',
        freeText: 'my card is 4111111111111111',
      }),
    );
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    const [line] = diagnosticsLines();
    expect(line.diagnostics).toEqual({
      platform: 'android',
      appVersion: '5.2.0',
      deviceModel: 'Pixel 8 owned by [email]',
      eventName: 'upload_failed',
      errorCode: 'token [jwt]',
      networkType: 'cellular',
      timings: { uploadMs: 1234 },
      counters: { retries: 3 },
    });
    // The log holds a pseudonym, never the user id (here a Telegram user id).
    expect(line.reporter).toMatch(/^[0-9a-f]{16}$/);
    expect(JSON.stringify(line)).not.toMatch(/777000|555|4111|jane/);
  });

  it.each([
    ['an email', { eventName: 'x a.b@c.de' }, 'x [email]'],
    ['a phone number', { eventName: 'sms to +7 912 345-67-89' }, 'sms to [phone]'],
    ['a card number', { eventName: 'pay 4111-1111-1111-1111' }, 'pay [card]'],
    ['an IPv4 address', { eventName: 'dns 8.8.8.8 slow' }, 'dns [ip] slow'],
    ['an IPv6 address', { eventName: 'via 2001:db8::1' }, 'via [ip]'],
    ['an API token', { eventName: 'key sk_live_51HqLyjWDarjtT1zdp7dc' }, 'key [token]'],
  ])('redacts %s', async (_label, body, expected) => {
    expect((await post(JSON.stringify(body))).status).toBe(204);
    expect(diagnosticsLines()[0].diagnostics.eventName).toBe(expected);
  });

  it('answers 400 for a known field of the wrong type and logs nothing', async () => {
    const response = await post(JSON.stringify({ timings: { loadMs: 'slow' } }));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'validation_error', message: expect.stringContaining('timings.loadMs') });
    expect(diagnosticsLines()).toEqual([]);
  });

  it('answers 413 over 16 KB', async () => {
    const response = await post(JSON.stringify({ eventName: 'big', padding: 'x'.repeat(17 * 1024) }));
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: 'payload_too_large' });
    expect((await post(JSON.stringify({ eventName: 'small', padding: 'x'.repeat(15 * 1024) }))).status).toBe(204);
  });

  it('requires a session', async () => {
    expect(
      (await fetch(`${testApp.url}/api/diagnostics`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }))
        .status,
    ).toBe(401);
  });
});
