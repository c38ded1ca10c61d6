import { DevicesService } from '../src/devices/devices.service';
import { type TestApp, startTestApp } from './helpers/app';
import { bearer, sessionTokenFor } from './helpers/sessions';

describe('Devices (e2e)', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await startTestApp({ MAX_DEVICES_PER_USER: '3' });
  });
  afterAll(() => testApp.close());

  const register = (token: string, body: unknown) =>
    fetch(`${testApp.url}/api/devices/register`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const remove = (token: string, id: string) => fetch(`${testApp.url}/api/devices/${id}`, { method: 'DELETE', headers: bearer(token) });
  const devices = () => testApp.app.get(DevicesService);
  const json = <T = { id: string; createdAt: number; error: string; message: string }>(response: Response) => response.json() as Promise<T>;

  it('registers a mobile token and answers { id, platform, createdAt }', async () => {
    const token = await sessionTokenFor(testApp, 'dev-user-1');
    const before = Date.now();
    const response = await register(token, { platform: 'mobile', token: 'fcm:AAAA-token_1.x' });
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), platform: 'mobile', createdAt: expect.any(Number) });
    expect(body.createdAt).toBeGreaterThanOrEqual(before - 1000);
    expect(await devices().devicesFor('dev-user-1')).toEqual([{ id: body.id, platform: 'mobile', token: 'fcm:AAAA-token_1.x' }]);
  });

  it('is an upsert: registering the same token again keeps one row with the same id', async () => {
    const token = await sessionTokenFor(testApp, 'dev-user-2');
    const results = await Promise.all(Array.from({ length: 5 }, () => register(token, { platform: 'mobile', token: 'same-token-2' })));
    const ids = new Set(await Promise.all(results.map(async (response) => (await json(response)).id)));
    expect(results.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    expect(ids.size).toBe(1);
    expect(await devices().devicesFor('dev-user-2')).toHaveLength(1);
  });

  it('moves a re-registered token to the current user', async () => {
    const alice = await sessionTokenFor(testApp, 'dev-alice');
    const bob = await sessionTokenFor(testApp, 'dev-bob');
    const first = await json(await register(alice, { platform: 'mobile', token: 'shared-phone-token' }));
    const second = await json(await register(bob, { platform: 'mobile', token: 'shared-phone-token' }));
    expect(second.id).toBe(first.id);
    expect(await devices().devicesFor('dev-alice')).toEqual([]);
    expect(await devices().devicesFor('dev-bob')).toEqual([{ id: first.id, platform: 'mobile', token: 'shared-phone-token' }]);
    // Alice no longer owns it: her delete is a 404, Bob's works.
    expect((await remove(alice, first.id)).status).toBe(404);
    expect((await remove(bob, first.id)).status).toBe(204);
  });

  it('accepts a tma token only when it is the session’s own Telegram chat id', async () => {
    const token = await sessionTokenFor(testApp, 'tg:5001', { telegramChatId: '5001' });
    const own = await register(token, { platform: 'tma', token: '5001' });
    expect(own.status).toBe(200);
    const spoofed = await register(token, { platform: 'tma', token: '5002' });
    expect(spoofed.status).toBe(403);
    expect(await spoofed.json()).toMatchObject({ error: 'forbidden' });
    // A session without a Telegram chat (mobile login) cannot register any tma target.
    const mobileSession = await sessionTokenFor(testApp, 'dev-mobile-only');
    expect((await register(mobileSession, { platform: 'tma', token: '5001' })).status).toBe(403);
    expect(await devices().devicesFor('tg:5001')).toHaveLength(1);
  });

  it.each([
    [{ platform: 'mobile', token: '' }, 'token'],
    [{ platform: 'mobile', token: 'x'.repeat(513) }, 'token'],
    [{ platform: 'mobile', token: 'bad token with spaces' }, 'token'],
    [{ platform: 'mobile', token: 'tok<script>' }, 'token'],
    [{ platform: 'mobile', token: 42 }, 'token'],
    [{ platform: 'sms', token: 'abc' }, 'platform'],
    [{ token: 'abc' }, 'platform'],
  ])('rejects %j with 400 naming the field', async (body, field) => {
    const response = await register(await sessionTokenFor(testApp, 'dev-validation'), body);
    expect(response.status).toBe(400);
    const envelope = await json(response);
    expect(envelope).toMatchObject({ error: 'validation_error' });
    expect(envelope.message).toContain(field);
  });

  it('keeps at most MAX_DEVICES_PER_USER devices, dropping the least recently registered', async () => {
    const token = await sessionTokenFor(testApp, 'dev-many');
    for (const name of ['one', 'two', 'three', 'four'])
      expect((await register(token, { platform: 'mobile', token: `cap-${name}` })).status).toBe(200);
    expect((await devices().devicesFor('dev-many')).map((device) => device.token)).toEqual(['cap-four', 'cap-three', 'cap-two']);
    // Re-registering refreshes a device, so the next one to go is the stalest.
    await register(token, { platform: 'mobile', token: 'cap-two' });
    await register(token, { platform: 'mobile', token: 'cap-five' });
    expect((await devices().devicesFor('dev-many')).map((device) => device.token).sort()).toEqual(['cap-five', 'cap-four', 'cap-two']);
  });

  it('keeps the cap under concurrent registrations', async () => {
    const token = await sessionTokenFor(testApp, 'dev-burst');
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, index) => register(token, { platform: 'mobile', token: `burst-${index}` })),
    );
    expect(results.every((response) => response.status === 200)).toBe(true);
    expect(await devices().devicesFor('dev-burst')).toHaveLength(3);
  });

  it('deletes only the caller’s own device: 204, then 404; another user’s or a malformed id is 404', async () => {
    const owner = await sessionTokenFor(testApp, 'dev-owner');
    const other = await sessionTokenFor(testApp, 'dev-other');
    const { id } = await json(await register(owner, { platform: 'mobile', token: 'owned-token' }));
    const foreign = await remove(other, id);
    expect(foreign.status).toBe(404);
    expect(await foreign.json()).toMatchObject({ error: 'not_found' });
    expect((await remove(owner, 'not-a-uuid')).status).toBe(404);
    expect((await remove(owner, id)).status).toBe(204);
    expect((await remove(owner, id)).status).toBe(404);
  });

  it('lets the push feature drop a dead token', async () => {
    const token = await sessionTokenFor(testApp, 'dev-dead');
    await register(token, { platform: 'mobile', token: 'dead-token' });
    await devices().removeDevice('mobile', 'dead-token');
    expect(await devices().devicesFor('dev-dead')).toEqual([]);
  });

  it('requires a session', async () => {
    expect((await fetch(`${testApp.url}/api/devices/register`, { method: 'POST' })).status).toBe(401);
  });
});
