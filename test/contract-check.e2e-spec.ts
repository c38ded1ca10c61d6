import { type TestApp, startTestApp } from './helpers/app';
import { Contract } from './helpers/contract';
import { checkedCount, takeViolations } from './helpers/contract-registry';
import { bearer, sessionTokenFor } from './helpers/sessions';

// The contract check itself: it must see every response (the hand-assembled poll JSON too) and
// name the route and the mismatch when a response strays from the served document.
describe('Contract check of e2e responses against the served OpenAPI', () => {
  let testApp: TestApp;
  let contract: Contract;
  beforeAll(async () => {
    testApp = await startTestApp();
    contract = new Contract((await (await fetch(`${testApp.url}/docs/json`)).json()) as Record<string, unknown>);
  });
  afterAll(() => testApp.close());

  const exchange = (method: string, path: string, status: number, body: unknown, headers: Record<string, string> = {}) => ({
    method,
    url: new URL(`${testApp.url}${path}`),
    status,
    headers: new Headers({ 'x-request-id': 'r-1', 'content-type': 'application/json; charset=utf-8', ...headers }),
    body: body === undefined ? Buffer.alloc(0) : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  });
  const envelope = (error: string) => ({ error, message: 'm', requestId: 'r-1' });

  it('checks every response of a test app, the poll route included', async () => {
    const token = await sessionTokenFor(testApp, 'contract-user');
    const before = checkedCount();
    // Unknown conversation: the poll answers from its own hand-written path, here a 404 or 502.
    const poll = await fetch(`${testApp.url}/api/conversations/123/poll?since=0`, { headers: bearer(token) });
    expect(poll.status).toBeGreaterThanOrEqual(400);
    await fetch(`${testApp.url}/health`);
    expect(checkedCount() - before).toBe(2);
    expect(takeViolations()).toEqual([]);
  });

  it('accepts what the document says', () => {
    expect(contract.check(exchange('GET', '/health', 200, { status: 'ok', version: '0.1.0', commit: null }))).toEqual([]);
    expect(contract.check(exchange('GET', '/api/tickets/search?q=a', 401, envelope('unauthorized')))).toEqual([]);
    expect(
      contract.check(
        exchange('GET', '/api/conversations/1/poll', 200, {
          messages: [],
          latestTimestamp: 0,
          state: 'open',
          snoozedUntil: null,
          rated: false,
        }),
      ),
    ).toEqual([]);
    expect(contract.check(exchange('GET', '/no/such/route', 404, envelope('not_found')))).toEqual([]);
  });

  it('names the route and the mismatch', () => {
    expect(contract.check(exchange('GET', '/health', 418, { status: 'ok' }))).toEqual([
      expect.stringMatching(/^GET \/health → 418: status 418 is not documented/),
    ]);
    expect(contract.check(exchange('GET', '/health', 200, { status: 'fine', version: '0.1.0', commit: null }))).toEqual([
      expect.stringMatching(/^GET \/health → 200: body\/status must be equal to one of the allowed values/),
    ]);
    expect(
      contract.check(
        exchange('GET', '/api/conversations/1/poll', 200, {
          messages: [],
          latestTimestamp: 1.5,
          state: 'open',
          snoozedUntil: null,
          rated: false,
        }),
      ),
    ).toEqual([expect.stringMatching(/^GET \/api\/conversations\/\{id\}\/poll → 200: body\/latestTimestamp must be integer/)]);
    expect(contract.check(exchange('POST', '/api/csat', 400, envelope('not_found')))).toEqual([
      expect.stringMatching(/^POST \/api\/csat → 400: error "not_found" is not one this response lists/),
    ]);
    expect(contract.check(exchange('GET', '/api/tickets', 429, envelope('rate_limited')))).toEqual([
      'GET /api/tickets → 429: 429 without a Retry-After of whole seconds',
    ]);
    expect(
      contract.check({
        ...exchange('GET', '/health', 200, { status: 'ok', version: '0.1.0', commit: null }),
        headers: new Headers({ 'content-type': 'application/json' }),
      }),
    ).toEqual(['GET /health → 200: no X-Request-Id header']);
    expect(contract.check(exchange('GET', '/health', 200, 'ok', { 'content-type': 'text/plain' }))).toEqual([
      expect.stringMatching(/^GET \/health → 200: Content-Type "text\/plain" is not documented/),
    ]);
    expect(contract.check(exchange('POST', '/api/conversations/1/read', 204, { unexpected: true }))).toEqual([
      expect.stringMatching(/^POST \/api\/conversations\/\{id\}\/read → 204: documented without a body/),
    ]);
    expect(contract.check(exchange('GET', '/no/such/route', 200, { ok: true }))).toEqual([
      'GET /no/such/route (no such operation) → 200: status 200 for a route the document does not have',
    ]);
  });
});
