import { startTestApp, type TestApp } from './helpers/app';
import { callJson } from './helpers/http';
import { sessionTokenFor } from './helpers/sessions';
import { startTestStack, type TestStack } from './helpers/stack';

// Intercom's contact search lags behind creation ("This delay can take a few minutes"); the
// emulator keeps new contacts out of search (2 s by default). Resolving a user's contact must
// still end with one contact and no 502.
describe('Contact resolution while Intercom search lags (e2e)', () => {
  let stack: TestStack;
  let second: TestApp;

  beforeAll(async () => {
    stack = await startTestStack({ RATE_LIMIT_PER_MIN: '10000' });
    // A second instance on the same database and the same Intercom.
    second = await startTestApp({
      DATABASE_URL: stack.app.config.database.url,
      INTERCOM_BASE_URL: stack.emulator.url,
      RATE_LIMIT_PER_MIN: '10000',
      WEBHOOK_WORKERS: '0',
    });
  });
  afterAll(async () => {
    await second.close();
    await stack.close();
  });

  const contactsOf = (externalId: string) =>
    [...stack.emulator.state.contacts.values()].filter((contact) => contact.external_id === externalId);

  it('uses the contact a 409 names when the contact exists but search does not show it yet', async () => {
    // Created moments ago by someone else (e.g. the host app's own Intercom integration).
    const existing = await stack.emulator.operator.call<{ id: string }>('POST', '/contacts', { role: 'user', external_id: 'lagged-1' });
    const response = await callJson(`${stack.app.url}/api/conversations`, 'GET', await sessionTokenFor(stack.app, 'lagged-1'));
    expect(response).toEqual({ status: 200, body: { conversations: [] } });
    expect(contactsOf('lagged-1').map((contact) => contact.id)).toEqual([existing.id]);
  });

  it('ends with one contact when two instances resolve a new user at once', async () => {
    const [left, right] = await Promise.all(
      [stack.app, second].map(async (app) =>
        callJson(`${app.url}/api/conversations`, 'POST', await sessionTokenFor(app, 'racer-1'), { body: 'Hi' }),
      ),
    );
    expect([left.status, right.status]).toEqual([201, 201]);
    expect(contactsOf('racer-1')).toHaveLength(1);
    expect(stack.requestViolations()).toEqual([]);
  });
});
