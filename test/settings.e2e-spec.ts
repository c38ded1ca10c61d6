import { DevicesService } from '../src/devices/devices.service';
import { type TestApp, startTestApp } from './helpers/app';
import { bearer, sessionTokenFor } from './helpers/sessions';

describe('Notification settings (e2e)', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  const get = async (token: string) => fetch(`${testApp.url}/api/settings/notifications`, { headers: bearer(token) });
  const put = (token: string, body: unknown) =>
    fetch(`${testApp.url}/api/settings/notifications`, {
      method: 'PUT',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('is all true until changed', async () => {
    const response = await get(await sessionTokenFor(testApp, 'settings-fresh'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ chatMessages: true, ticketUpdates: true, systemNotices: true });
  });

  it('changes any subset and returns the full object; later changes keep earlier ones', async () => {
    const token = await sessionTokenFor(testApp, 'settings-user');
    const first = await put(token, { chatMessages: false });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ chatMessages: false, ticketUpdates: true, systemNotices: true });
    expect(await (await put(token, { systemNotices: false })).json()).toEqual({
      chatMessages: false,
      ticketUpdates: true,
      systemNotices: false,
    });
    expect(await (await put(token, {})).json()).toEqual({ chatMessages: false, ticketUpdates: true, systemNotices: false });
    expect(await (await put(token, { chatMessages: true, ticketUpdates: false })).json()).toEqual({
      chatMessages: true,
      ticketUpdates: false,
      systemNotices: false,
    });
    expect(await (await get(token)).json()).toEqual({ chatMessages: true, ticketUpdates: false, systemNotices: false });
    expect(await testApp.app.get(DevicesService).settingsFor('settings-user')).toEqual({
      chatMessages: true,
      ticketUpdates: false,
      systemNotices: false,
    });
  });

  it('keeps users apart', async () => {
    await put(await sessionTokenFor(testApp, 'settings-a'), { ticketUpdates: false });
    expect(await (await get(await sessionTokenFor(testApp, 'settings-b'))).json()).toEqual({
      chatMessages: true,
      ticketUpdates: true,
      systemNotices: true,
    });
  });

  it.each([
    [{ chatMessages: 'no' }],
    [{ ticketUpdates: 1 }],
    [{ systemNotices: null }],
    [{ emailDigest: true }],
    [{ chatMessages: true, admin: true }],
  ])('rejects %j with 400 and changes nothing', async (body) => {
    const token = await sessionTokenFor(testApp, 'settings-invalid');
    const response = await put(token, body);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'validation_error' });
    expect(await (await get(token)).json()).toEqual({ chatMessages: true, ticketUpdates: true, systemNotices: true });
  });
});
