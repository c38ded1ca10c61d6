import { DataSource } from 'typeorm';
import { CsatService } from '../src/csat/csat.service';
import { IntercomService } from '../src/intercom/intercom.service';
import { type TestApp, startTestApp } from './helpers/app';
import { bearer, sessionTokenFor } from './helpers/sessions';
import { type TestStack, startTestStack } from './helpers/stack';
import { waitFor } from './helpers/wait';

const TAG = 'csat-test-rated';
const ENV = {
  CSAT_TAG_NAME: TAG,
  CSAT_TAG_RETRY_DELAY_SECONDS: '1',
  CSAT_TAG_RETRY_DELAY_MAX_SECONDS: '1',
  JOBS_POLL_INTERVAL_SECONDS: '1',
  INTERCOM_BREAKER_RESET_MS: '300',
};
const INTERCOM_TAG_WRITES = { method: 'POST', pathRegex: '/tags$' };

const eventually = (check: () => boolean) => waitFor(() => (check() ? true : undefined), 20_000);

describe('CSAT (e2e against the Intercom emulator)', () => {
  let stack: TestStack;
  let app: TestApp;
  beforeAll(async () => {
    stack = await startTestStack(ENV);
    app = stack.app;
  });
  // Not stack.close(): the restart test replaces the app, and the stack only knows the first one.
  afterAll(async () => {
    await app.close();
    await stack.emulator.close();
  });
  afterEach(() => stack.emulator.control.clearFaults());

  const user = (userId: string) => ({ userId, telegramChatId: null, name: 'Rater', email: null });
  const conversationOf = async (userId: string) => {
    const intercom = app.app.get(IntercomService);
    return intercom.createConversation(await intercom.contactIdFor(user(userId)), 'Need help');
  };
  const ticketOf = async (userId: string, category: 'Customer' | 'Back-office' | 'Tracker' = 'Customer') => {
    const contactId = await app.app.get(IntercomService).contactIdFor(user(userId));
    return String((await stack.emulator.operator.createTicket(contactId, category, 'Card blocked')).id);
  };
  const tagged = (conversationId: string) => {
    const conversation = stack.emulator.state.conversations.get(conversationId);
    return Boolean(conversation?.tags.some((applied) => stack.emulator.state.tags.get(applied.id)?.name === TAG));
  };
  const rate = async (target: TestApp, userId: string, body: unknown) =>
    fetch(`${target.url}/api/csat`, {
      method: 'POST',
      headers: { ...bearer(await sessionTokenFor(target, userId)), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const countRatings = async (userId: string) => {
    const [row] = await app.app
      .get(DataSource)
      .query<{ count: string }[]>('SELECT count(*) FROM csat_ratings WHERE user_id = $1', [userId]);
    return Number(row.count);
  };

  it('stores a conversation rating once (201, then 200 duplicate) and tags the conversation in Intercom', async () => {
    const conversationId = await conversationOf('rater-1');
    const first = await rate(app, 'rater-1', { stars: 5, comment: 'Great', conversationId });
    expect(first.status).toBe(201);
    expect(await first.json()).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), duplicate: false });
    expect(tagged(conversationId)).toBe(true);
    const again = await rate(app, 'rater-1', { stars: 1, conversationId });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ id: null, duplicate: true });
    expect(await app.app.get(CsatService).ratingForConversation('rater-1', conversationId)).toMatchObject({ stars: 5, comment: 'Great' });
    expect(await app.app.get(CsatService).ratedConversationIds('rater-1', [conversationId, '999'])).toEqual(new Set([conversationId]));
  });

  it('creates exactly one rating for 20 concurrent identical requests', async () => {
    const conversationId = await conversationOf('rater-burst');
    const responses = await Promise.all(Array.from({ length: 20 }, () => rate(app, 'rater-burst', { stars: 4, conversationId })));
    const bodies = (await Promise.all(responses.map((response) => response.json()))) as { id: string | null; duplicate: boolean }[];
    expect(responses.filter((response) => response.status === 201)).toHaveLength(1);
    expect(responses.filter((response) => response.status === 200)).toHaveLength(19);
    expect(bodies.filter((body) => body.duplicate)).toHaveLength(19);
    expect(bodies.filter((body) => !body.duplicate && body.id)).toHaveLength(1);
    expect(await countRatings('rater-burst')).toBe(1);
  });

  it('rates a ticket once per (user, ticket) and reports it through ratedTicketIds', async () => {
    const ticketId = await ticketOf('rater-ticket');
    expect((await rate(app, 'rater-ticket', { stars: 3, ticketId })).status).toBe(201);
    expect((await rate(app, 'rater-ticket', { stars: 2, ticketId })).status).toBe(200);
    expect(await app.app.get(CsatService).ratedTicketIds('rater-ticket', [ticketId, 'other'])).toEqual(new Set([ticketId]));
    expect(await app.app.get(CsatService).ratedTicketIds('someone-else', [ticketId])).toEqual(new Set());
  });

  it('answers 404 for a conversation or ticket of another user, or an unknown one, and stores nothing', async () => {
    const foreignConversation = await conversationOf('owner-a');
    const foreignTicket = await ticketOf('owner-a');
    for (const body of [{ conversationId: foreignConversation }, { ticketId: foreignTicket }, { conversationId: '987654321' }]) {
      const response = await rate(app, 'intruder', { stars: 1, ...body });
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: 'not_found' });
    }
    expect(await countRatings('intruder')).toBe(0);
    expect(tagged(foreignConversation)).toBe(false);
  });

  it.each(['Back-office', 'Tracker'] as const)(
    "answers 404 for the user's own %s ticket, as for one that does not exist, and stores nothing",
    async (category) => {
      // Not customer-facing: the user cannot see it (GET /api/tickets), so rating it must not reveal it.
      const ticketId = await ticketOf(`rater-${category}`, category);
      const response = await rate(app, `rater-${category}`, { stars: 4, ticketId });
      const missing = await rate(app, `rater-${category}`, { stars: 4, ticketId: '987654321' });
      expect([response.status, missing.status]).toEqual([404, 404]);
      const [body, missingBody] = [(await response.json()) as Record<string, unknown>, (await missing.json()) as Record<string, unknown>];
      expect({ ...body, requestId: null }).toEqual({ ...missingBody, requestId: null });
      expect(body).toMatchObject({ error: 'not_found' });
      expect(await countRatings(`rater-${category}`)).toBe(0);
    },
  );

  it('answers 404 and stores nothing when Intercom refuses the ownership lookup (a 4xx is not an outage)', async () => {
    const conversationId = await conversationOf('rater-refused');
    stack.emulator.control.addFault({ method: 'GET', path: '/conversations/', status: 403 });
    const response = await rate(app, 'rater-refused', { stars: 3, conversationId });
    expect(response.status).toBe(404);
    expect(await countRatings('rater-refused')).toBe(0);
  });

  it.each([
    [{ stars: 0, conversationId: '1' }, 'stars'],
    [{ stars: 6, conversationId: '1' }, 'stars'],
    [{ stars: 4.5, conversationId: '1' }, 'stars'],
    [{ stars: '5', conversationId: '1' }, 'stars'],
    [{ conversationId: '1' }, 'stars'],
    [{ stars: 5, comment: 'x'.repeat(2001), conversationId: '1' }, 'comment'],
    [{ stars: 5 }, 'ticketId or conversationId'],
    [{ stars: 5, conversationId: '../admins' }, 'conversationId'],
  ])('rejects %j with 400 naming %s', async (body, field) => {
    const response = await rate(app, 'rater-validation', body);
    expect(response.status).toBe(400);
    const envelope = (await response.json()) as { error: string; message: string };
    expect(envelope.error).toBe('validation_error');
    expect(envelope.message).toContain(field);
  });

  it('stores the rating while Intercom cannot tag, and applies the tag after Intercom recovers', async () => {
    const conversationId = await conversationOf('rater-outage');
    stack.emulator.control.resetRequests();
    stack.emulator.control.addFault({ ...INTERCOM_TAG_WRITES, status: 503 });
    const response = await rate(app, 'rater-outage', { stars: 2, conversationId });
    expect(response.status).toBe(201);
    expect(await countRatings('rater-outage')).toBe(1);
    // The first attempt and a queued retry both met the outage: still untagged, still stored.
    const refusedTagWrites = () =>
      stack.emulator.control
        .requests()
        .filter((request) => request.method === 'POST' && /\/tags$/.test(request.path) && request.status === 503).length;
    await waitFor(() => (refusedTagWrites() >= 2 ? true : undefined), 20_000);
    expect(tagged(conversationId)).toBe(false);
    expect(await countRatings('rater-outage')).toBe(1);
    stack.emulator.control.clearFaults();
    await eventually(() => tagged(conversationId));
  });

  it('keeps retrying the tag across a restart of the app', async () => {
    const conversationId = await conversationOf('rater-restart');
    stack.emulator.control.addFault({ ...INTERCOM_TAG_WRITES, status: 500 });
    expect((await rate(app, 'rater-restart', { stars: 4, conversationId })).status).toBe(201);
    const databaseUrl = app.config.database.url!;
    await app.close();
    stack.emulator.control.clearFaults();
    expect(tagged(conversationId)).toBe(false);
    // A fresh instance on the same database picks the queued job up.
    app = await startTestApp({ ...ENV, DATABASE_URL: databaseUrl, INTERCOM_BASE_URL: stack.emulator.url });
    await eventually(() => tagged(conversationId));
  });

  it('stores a rating when Intercom is entirely down, then checks ownership and tags after recovery', async () => {
    const own = await conversationOf('rater-blackout');
    const foreign = await conversationOf('someone-else-blackout');
    await app.app.get(IntercomService).contactIdFor(user('rater-blackout'));
    stack.emulator.control.addFault({ pathRegex: '.', status: 503 });
    expect((await rate(app, 'rater-blackout', { stars: 5, conversationId: own })).status).toBe(201);
    expect((await rate(app, 'rater-blackout', { stars: 1, conversationId: foreign })).status).toBe(201);
    expect(await countRatings('rater-blackout')).toBe(2);
    stack.emulator.control.clearFaults();
    await eventually(() => tagged(own));
    // The rating of a conversation that turned out not to be the caller's is withdrawn, untagged.
    expect(await waitFor(async () => ((await countRatings('rater-blackout')) === 1 ? 1 : undefined), 20_000)).toBe(1);
    expect(await app.app.get(CsatService).ratedConversationIds('rater-blackout', [own, foreign])).toEqual(new Set([own]));
    expect(tagged(foreign)).toBe(false);
  });
});
