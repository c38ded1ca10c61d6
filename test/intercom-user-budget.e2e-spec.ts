import { signIn, startTestStack, type TestStack } from './helpers/stack';

// #15 item 5: one user cannot drain the Intercom budget every user shares. A conversation id that
// is not the caller's costs Intercom at most one call per freshness window, and past
// INTERCOM_USER_CALLS_PER_MIN calls a user gets 429 — that user only.
describe('Intercom budget per user (e2e)', () => {
  let stack: TestStack;
  const USER_CALLS = 5;

  beforeAll(async () => {
    // A freshness window longer than the test: "once per window" is then exactly once.
    stack = await startTestStack({ INTERCOM_USER_CALLS_PER_MIN: String(USER_CALLS), POLL_FRESHNESS_MS: '600000' });
  }, 60_000);
  afterAll(() => stack?.close());

  const get = (token: string, path: string) => fetch(`${stack.app.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const conversationGets = (id: string) => stack.emulator.control.count('GET', `/conversations/${id}`);

  it('asks Intercom once per window about an id that does not exist or is not yours, however often it is polled', async () => {
    const { token } = await signIn(stack, 'budget-prober');
    const owner = await signIn(stack, 'budget-owner');
    const created = await fetch(`${stack.app.url}/api/conversations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ body: 'Mine, not theirs' }),
    });
    const someoneElses = ((await created.json()) as { id: string }).id;
    const missing = '987654321012';
    const before = { missing: conversationGets(missing), someoneElses: conversationGets(someoneElses) };

    for (let index = 0; index < 20; index += 1) {
      for (const path of [
        `/api/conversations/${missing}/poll?since=0`,
        `/api/conversations/${missing}`,
        `/api/conversations/${someoneElses}/poll`,
      ]) {
        const response = await get(token, path);
        expect({ path, status: response.status }).toEqual({ path, status: 404 });
      }
    }
    expect(conversationGets(missing) - before.missing).toBe(1);
    // The owner's conversation was fetched when it was created, if at all: never per poll.
    expect(conversationGets(someoneElses) - before.someoneElses).toBeLessThanOrEqual(1);
  });

  it('answers 429 with Retry-After past the per-user budget, to that user only', async () => {
    const { token } = await signIn(stack, 'budget-drainer');
    const bystander = await signIn(stack, 'budget-bystander');
    const calls = () => Object.values(stack.emulator.control.requestCounts()).reduce((sum, count) => sum + count, 0);
    const start = calls();
    // Each new id is one Intercom call: the first USER_CALLS are answered 404.
    for (let index = 0; index < USER_CALLS; index += 1)
      expect((await get(token, `/api/conversations/${7000 + index}/poll`)).status).toBe(404);
    expect(calls() - start).toBe(USER_CALLS);

    const limited = await get(token, '/api/conversations/7999/poll');
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ error: 'rate_limited', message: expect.any(String), requestId: expect.any(String) });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(calls() - start).toBe(USER_CALLS);
    // What costs Intercom nothing still works for the limited user (the ids remembered above)...
    expect((await get(token, '/api/conversations/7000/poll')).status).toBe(404);
    // ...and everyone else still reaches Intercom.
    expect((await get(bystander.token, '/api/conversations')).status).toBe(200);
    expect(calls()).toBeGreaterThan(start + USER_CALLS);
  });
});
