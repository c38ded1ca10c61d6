import { IntercomNotFoundError } from '../src/intercom/intercom-errors';
import { IntercomGateway } from '../src/intercom/intercom.gateway';
import { IntercomService } from '../src/intercom/intercom.service';
import { startTestApp, type TestApp } from './helpers/app';
import { startTestStack, type TestStack } from './helpers/stack';

const user = (userId: string) => ({ userId, telegramChatId: null, name: 'Test User', email: null });

describe('Intercom gateway (e2e against the emulator)', () => {
  let stack: TestStack;
  let intercom: IntercomService;
  beforeAll(async () => {
    stack = await startTestStack({ INTERCOM_TIMEOUT_MS: '300', INTERCOM_BREAKER_VOLUME: '3', INTERCOM_BREAKER_RESET_MS: '400' });
    intercom = stack.app.app.get(IntercomService);
  });
  afterAll(() => stack.close());
  afterEach(() => stack.emulator.control.clearFaults());

  const ready = async () => {
    const response = await fetch(`${stack.app.url}/ready`);
    return { status: response.status, body: (await response.json()) as { checks: { intercom: string } } };
  };

  it('creates exactly one contact for 20 concurrent first requests, across two instances', async () => {
    const second: TestApp = await startTestApp({ DATABASE_URL: stack.app.config.database.url, INTERCOM_BASE_URL: stack.emulator.url });
    try {
      const other = second.app.get(IntercomService);
      const ids = await Promise.all(
        Array.from({ length: 20 }, (_, index) => (index % 2 ? other : intercom).contactIdFor(user('new-user-1'))),
      );
      expect(new Set(ids).size).toBe(1);
      const contacts = [...stack.emulator.state.contacts.values()].filter((contact) => contact.external_id === 'new-user-1');
      expect(contacts).toHaveLength(1);
      // Later lookups come from Postgres / memory, not Intercom.
      stack.emulator.control.resetRequests();
      await intercom.contactIdFor(user('new-user-1'));
      expect(stack.emulator.control.requests()).toHaveLength(0);
    } finally {
      await second.close();
    }
  });

  it('answers a read of an unknown id with undefined, and a write to it with a named not-found error without the Intercom body', async () => {
    await expect(intercom.getConversation('999999999')).resolves.toBeUndefined();
    await expect(intercom.getTicket('999999999')).resolves.toBeUndefined();
    const error = await intercom.close('999999999').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IntercomNotFoundError);
    expect(error).toMatchObject({ code: 'not_found', message: 'Not found' });
    expect(JSON.stringify(error)).not.toContain('errors');
  });

  it('cuts a hanging request at the timeout and reports 502', async () => {
    stack.emulator.control.addFault({ method: 'GET', path: '/conversations/', hang: true });
    const started = Date.now();
    await expect(intercom.getConversation('123')).rejects.toMatchObject({ code: 'service_unavailable' });
    // One try (no retry after a timeout) bounded by INTERCOM_TIMEOUT_MS=300.
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('leaves no abort timer behind once a call has finished', async () => {
    // A timer that outlived each call would hold its signal and the SDK's listener for the whole
    // timeout: at Intercom's rate limit, thousands of them.
    let signal: AbortSignal | undefined;
    await stack.app.app.get(IntercomGateway).call(
      'getAdmins',
      (client, options) => {
        signal = options.abortSignal;
        return client.admins.list(options);
      },
      { idempotent: true },
    );
    await new Promise((resolve) => setTimeout(resolve, 450)); // past INTERCOM_TIMEOUT_MS=300
    expect(signal?.aborted).toBe(false);
  });

  it('opens the breaker on repeated failures, fails fast, turns /ready 503, and recovers by itself', async () => {
    const contactId = await intercom.contactIdFor(user('breaker-user'));
    const conversationId = await intercom.createConversation(contactId, 'hello');
    stack.emulator.control.addFault({ method: 'GET', path: '/conversations/', status: 500 });
    // Repeated failures until the breaker opens: how many depends on the calls earlier tests left
    // in its 10-second window (4xx answers count as successes), never more than a handful.
    for (let attempt = 0; attempt < 10 && (await ready()).body.checks.intercom !== 'open'; attempt += 1) {
      const error = await intercom.getConversation(conversationId).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'service_unavailable', message: 'Intercom is unavailable' });
      expect(JSON.stringify(error)).not.toContain('error.list');
    }
    expect((await ready()).body.checks.intercom).toBe('open');
    expect((await ready()).status).toBe(503);

    // Fails fast: the open breaker answers without a request to Intercom (no wall-clock bound on a shared machine).
    stack.emulator.control.resetRequests();
    await expect(intercom.getConversation(conversationId)).rejects.toMatchObject({ code: 'service_unavailable' });
    expect(stack.emulator.control.requests()).toHaveLength(0);

    stack.emulator.control.clearFaults();
    await new Promise((resolve) => setTimeout(resolve, 450));
    await expect(intercom.getConversation(conversationId)).resolves.toMatchObject({ id: conversationId });
    expect(await ready()).toMatchObject({ status: 200, body: { checks: { intercom: 'closed' } } });
  });

  it('does not count 404s as failures', async () => {
    for (let attempt = 0; attempt < 6; attempt += 1) {
      await expect(intercom.getConversation('404404')).resolves.toBeUndefined();
    }
    expect((await ready()).body.checks.intercom).toBe('closed');
  });

  it('honours Intercom 429: no calls reach Intercom until X-RateLimit-Reset has passed', async () => {
    // Intercom sends no Retry-After: the reset is the next full second after now + 1 s.
    stack.emulator.control.addFault({ method: 'GET', path: '/conversations/', status: 429, retryAfterSeconds: 2, count: 1 });
    await expect(intercom.getConversation('1')).rejects.toMatchObject({ code: 'service_unavailable' });
    stack.emulator.control.resetRequests();
    // The pause (1-2 s) is longer than a call may wait (timeout 300 ms): fail fast, send nothing.
    await expect(intercom.getConversation('404404')).rejects.toMatchObject({
      code: 'service_unavailable',
      message: expect.stringContaining('busy'),
    });
    expect(stack.emulator.control.requests()).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    await expect(intercom.getConversation('404404')).resolves.toBeUndefined();
  });

  it('sends only requests that conform to Intercom’s OpenAPI description', () => {
    expect(stack.requestViolations()).toEqual([]);
  });
});
