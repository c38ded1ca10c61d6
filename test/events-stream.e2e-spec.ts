import { UserEventsService } from '../src/events/user-events.service';
import { EVENT_BUS, type EventBus } from '../src/events/event-bus';
import { EventsHub } from '../src/events/events-hub';
import { MetricsService } from '../src/metrics/metrics.service';
import { UserEventRetention } from '../src/events/user-event-retention';
import { queryDatabase, webhooksProcessed } from './helpers/events';
import { waitFor } from './helpers/wait';
import { bearer } from './helpers/sessions';
import { signIn, type TestStack, startTestStack } from './helpers/stack';
import { ClientStream, RawStream } from './helpers/streams';

// GET /api/events on one instance: the emulator's operator actions → signed webhooks → the event
// log → the stream (api.md › Realtime events).
describe('Realtime stream (e2e)', () => {
  let stack: TestStack;
  let userSeq = 0;
  const streams: { close(): void }[] = [];
  const track = <T extends { close(): void }>(stream: T): T => {
    streams.push(stream);
    return stream;
  };
  const step = async <T>(action: () => Promise<T>): Promise<T> => {
    const result = await action();
    await webhooksProcessed(stack);
    return result;
  };
  const eventsUrl = (query = ''): string => `${stack.app.url}/api/events${query}`;

  async function customer(): Promise<{ userId: string; token: string; contactId: string; conversationId: string }> {
    userSeq += 1;
    const userId = `tg:stream-${userSeq}`;
    const { token, contactId } = await signIn(stack, userId);
    const created = await fetch(`${stack.app.url}/api/conversations`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      body: JSON.stringify({ body: 'Hello, my card is blocked' }),
    });
    expect(created.status).toBe(201);
    await webhooksProcessed(stack);
    return { userId, token, contactId, conversationId: ((await created.json()) as { id: string }).id };
  }

  beforeAll(async () => {
    stack = await startTestStack({
      WEBHOOK_POLL_INTERVAL_MS: '100',
      POLL_FRESHNESS_MS: '600000',
      STREAM_HEARTBEAT_MS: '200',
      STREAM_RETRY_MS: '500',
    });
  });
  afterEach(() => {
    for (const stream of streams.splice(0)) stream.close();
  });
  afterAll(() => stack.close());

  it('answers text/event-stream unbuffered, sends retry first, then heartbeats', async () => {
    const { token } = await customer();
    const stream = track(await RawStream.open(eventsUrl(), bearer(token)));
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toBe('text/event-stream');
    expect(stream.response.headers.get('cache-control')).toBe('no-cache');
    expect(stream.response.headers.get('x-accel-buffering')).toBe('no');
    expect(stream.response.headers.get('content-encoding')).toBeNull();
    expect(stream.response.headers.get('x-request-id')).toBeTruthy();
    await waitFor(() => (stream.comments.length >= 2 ? true : undefined));
    expect(stream.retry).toBe(500);
    expect(stream.events).toEqual([]);
  });

  it('streams operator replies, state changes and ticket changes, and never a note', async () => {
    const { token, contactId, conversationId } = await customer();
    const client = track(new ClientStream(eventsUrl(), { token }));
    await client.opened();
    // Webhooks are delivered concurrently: each action is processed before the next, for a fixed order.
    await step(() => stack.emulator.operator.note(conversationId, 'internal: customer verified'));
    await step(() => stack.emulator.operator.reply(conversationId, 'We have unblocked your card'));
    await step(() => stack.emulator.operator.snooze(conversationId, Math.floor(Date.now() / 1000) + 3600));
    await step(() => stack.emulator.operator.open(conversationId));
    await step(() => stack.emulator.operator.close(conversationId));
    const ticket = await step(() => stack.emulator.operator.createTicket(contactId, 'Customer', 'Card replacement'));
    await step(() => stack.emulator.operator.setTicketState(String(ticket.id), 'in_progress'));
    await step(() => stack.emulator.operator.replyTicket(String(ticket.id), 'A new card is on its way'));
    const events = await client.waitForEvents(6);
    expect(events.map((event) => event.type)).toEqual([
      'message.created',
      'conversation.updated',
      'conversation.updated',
      'conversation.updated',
      'ticket.updated',
      'ticket.message.created',
    ]);
    expect(events[0].data).toMatchObject({ conversationId, message: { body: 'We have unblocked your card', author: { type: 'admin' } } });
    expect(events.slice(1, 4).map((event) => event.data.state)).toEqual(['snoozed', 'open', 'closed']);
    expect(events[1].data).toEqual({ conversationId, state: 'snoozed', snoozedUntil: expect.any(Number), rated: false });
    expect(events[4].data).toEqual({
      ticketId: String(ticket.id),
      state: { category: 'in_progress', label: expect.any(String) },
      open: true,
    });
    expect(events[5].data).toMatchObject({ ticketId: String(ticket.id), message: { body: 'A new card is on its way' } });
    const ids = events.map((event) => Number(event.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(JSON.stringify(client.events)).not.toContain('customer verified');
    const metrics = await stack.app.app.get(MetricsService).render();
    expect(metrics).toMatch(/stream_events_total\{type="ticket.updated"\} [1-9]/);
    expect(metrics).toMatch(/stream_connections [1-9]/);
    // What the stream said is what the poll says.
    const poll = (await (
      await fetch(`${stack.app.url}/api/conversations/${conversationId}/poll`, { headers: bearer(token) })
    ).json()) as Record<string, unknown>;
    expect(poll).toMatchObject({ state: 'closed', snoozedUntil: null, rated: false });
    expect(poll.messages).toContainEqual(events[0].data.message);
  });

  it("hands this instance's committed webhook events to its streams without waiting for the bus", async () => {
    const { token, conversationId } = await customer();
    const client = track(new ClientStream(eventsUrl(), { token }));
    await client.opened();
    // No head reaches any hub: only the worker's own hand-over can deliver.
    const publish = jest.spyOn(stack.app.app.get<EventBus>(EVENT_BUS), 'publish').mockResolvedValue(undefined);
    try {
      await step(() => stack.emulator.operator.reply(conversationId, 'straight from the worker'));
      const [event] = await client.waitForEvents(1);
      expect(event.data).toMatchObject({ conversationId, message: { body: 'straight from the worker' } });
      // Still published, for the other instances.
      expect(publish).toHaveBeenCalled();
    } finally {
      publish.mockRestore();
    }
  });

  it('replays exactly the missed events, in order, once, after Last-Event-ID', async () => {
    const { token, conversationId } = await customer();
    const first = track(new ClientStream(eventsUrl(), { token }));
    await first.opened();
    await stack.emulator.operator.reply(conversationId, 'before the disconnect');
    const [seen] = await first.waitForEvents(1);
    first.close();
    for (const text of ['one', 'two', 'three']) await step(() => stack.emulator.operator.reply(conversationId, text));
    const resumed = track(new ClientStream(eventsUrl(), { token, lastEventId: seen.id }));
    await resumed.waitForEvents(3);
    // A marker after the replay: anything repeated or extra would have arrived before it.
    await stack.emulator.operator.reply(conversationId, 'marker');
    await resumed.waitForEvents(4);
    expect(resumed.events.map((event) => (event.data.message as { body: string }).body)).toEqual(['one', 'two', 'three', 'marker']);
  });

  it('resumes from ?lastEventId= too, and answers reset for an id past retention or unknown', async () => {
    const { userId, token, conversationId } = await customer();
    await step(() => stack.emulator.operator.reply(conversationId, 'old news'));
    await step(() => stack.emulator.operator.reply(conversationId, 'still kept'));
    const [first, second] = await queryDatabase<{ seq: string }>(
      stack.app.config.database.url!,
      "SELECT seq FROM user_events WHERE user_id = $1 AND type = 'message.created' ORDER BY seq",
      [userId],
    ).then((rows) => rows.slice(-2).map((row) => row.seq)); // the customer's own first message comes before
    const fromQuery = track(new ClientStream(eventsUrl(`?lastEventId=${first}`), { token }));
    expect((await fromQuery.waitForEvents(1))[0]).toMatchObject({ id: second, data: { message: { body: 'still kept' } } });

    await queryDatabase(
      stack.app.config.database.url!,
      "UPDATE user_events SET created_at = now() - interval '25 hours' WHERE user_id = $1 AND seq = $2",
      [userId, first],
    );
    expect(await stack.app.app.get(UserEventRetention).prune()).toBeGreaterThanOrEqual(1);
    const head = await stack.app.app.get(UserEventsService).head(userId);
    for (const lastEventId of ['0', String(head.lastSeq + 100)]) {
      const reset = track(new ClientStream(eventsUrl(`?lastEventId=${lastEventId}`), { token }));
      const [event] = await reset.waitForEvents(1);
      expect(event).toEqual({ id: String(head.lastSeq), type: 'reset', data: {} });
    }
    // From the reset's id on, the stream goes on as usual.
    const after = track(new ClientStream(eventsUrl(`?lastEventId=${head.lastSeq}`), { token }));
    await after.opened();
    await stack.emulator.operator.reply(conversationId, 'after the reset');
    expect((await after.waitForEvents(1))[0]).toMatchObject({ type: 'message.created', id: String(head.lastSeq + 1) });
  });

  it("never shows another user's events", async () => {
    const alice = await customer();
    const bob = await customer();
    const bobStream = track(new ClientStream(eventsUrl(), { token: bob.token }));
    await bobStream.opened();
    await stack.emulator.operator.reply(alice.conversationId, 'for Alice only');
    await stack.emulator.operator.close(alice.conversationId);
    await webhooksProcessed(stack);
    await stack.emulator.operator.reply(bob.conversationId, 'for Bob');
    await bobStream.waitForEvents(1);
    expect(bobStream.events.map((event) => event.data.conversationId)).toEqual([bob.conversationId]);
  });

  it('takes a single-use, 60 s ticket instead of the bearer token, and refuses it afterwards with a 401 envelope', async () => {
    const { userId, token, conversationId } = await customer();
    const issued = await fetch(eventsUrl('/ticket'), { method: 'POST', headers: bearer(token) });
    expect(issued.status).toBe(201);
    const { ticket, expiresAt } = (await issued.json()) as { ticket: string; expiresAt: number };
    expect(expiresAt).toBeGreaterThan(Date.now() + 50_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 60_000);
    const client = track(new ClientStream(eventsUrl(`?ticket=${encodeURIComponent(ticket)}`)));
    await client.opened();
    await stack.emulator.operator.reply(conversationId, 'through the ticket');
    expect((await client.waitForEvents(1))[0].data).toMatchObject({ conversationId });

    const reused = await fetch(eventsUrl(`?ticket=${encodeURIComponent(ticket)}`));
    expect(reused.status).toBe(401);
    expect(reused.headers.get('content-type')).toContain('application/json');
    expect(await reused.json()).toEqual({ error: 'unauthorized', message: expect.any(String), requestId: expect.any(String) });

    const expired = (await (await fetch(eventsUrl('/ticket'), { method: 'POST', headers: bearer(token) })).json()) as { ticket: string };
    await queryDatabase(
      stack.app.config.database.url!,
      "UPDATE stream_tickets SET expires_at = now() - interval '1 second' WHERE user_id = $1",
      [userId],
    );
    expect((await fetch(eventsUrl(`?ticket=${encodeURIComponent(expired.ticket)}`))).status).toBe(401);
    expect((await fetch(eventsUrl('?ticket=made-up'))).status).toBe(401);
    expect((await fetch(eventsUrl())).status).toBe(401);
    expect((await fetch(eventsUrl('/ticket'), { method: 'POST' })).status).toBe(401);
    const badId = await fetch(eventsUrl('?lastEventId=abc'), { headers: bearer(token) });
    expect(badId.status).toBe(400);
    expect(await badId.json()).toMatchObject({ error: 'validation_error', message: expect.stringContaining('lastEventId') });
  });

  it('closes the oldest stream when a user opens a sixth', async () => {
    const { userId, token } = await customer();
    const opened: RawStream[] = [];
    for (let index = 0; index < 5; index += 1) opened.push(track(await RawStream.open(eventsUrl(), bearer(token))));
    await waitFor(() => (stack.app.app.get(EventsHub).connectionsOf(userId) === 5 ? true : undefined));
    const sixth = track(await RawStream.open(eventsUrl(), bearer(token)));
    expect(sixth.response.status).toBe(200);
    await opened[0].waitForEnd();
    expect(stack.app.app.get(EventsHub).connectionsOf(userId)).toBe(5);
    expect(opened.slice(1).map((stream) => stream.ended)).toEqual([false, false, false, false]);
  });
});
