import { connect } from 'node:net';
import { SseParser } from '../packages/sdk/src/sse';
import { EventsHub } from '../src/events/events-hub';
import { UserEventsService } from '../src/events/user-events.service';
import type { NewUserEvent } from '../src/events/stream-event';
import { startIntercomEmulator, type RunningEmulator } from '../tools/intercom-emulator/src';
import { startTestApp, type TestApp } from './helpers/app';
import { createTestDatabase } from './helpers/database';
import { queryDatabase } from './helpers/events';
import { waitFor } from './helpers/wait';
import { bearer, sessionTokenFor } from './helpers/sessions';
import { ClientStream, type ReceivedEvent, STREAM_TYPES } from './helpers/streams';

const SECRET = 'test-intercom-client-secret';

// Two BFF instances on one Postgres: webhooks reach and are processed on A only (B acknowledges
// nothing and runs no workers), streams are open on B, and B is stopped mid-stream.
describe('Realtime stream across instances (e2e)', () => {
  let emulator: RunningEmulator;
  let databaseUrl: string;
  let a: TestApp;
  let b: TestApp;
  let bClosed = false;
  const streams: ClientStream[] = [];

  async function customer(userId: string): Promise<{ token: string; conversationId: string }> {
    const token = await sessionTokenFor(a, userId);
    const created = await fetch(`${a.url}/api/conversations`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      body: JSON.stringify({ body: 'Two devices, one problem' }),
    });
    expect(created.status).toBe(201);
    await processed();
    return { token, conversationId: ((await created.json()) as { id: string }).id };
  }

  async function processed(): Promise<void> {
    await emulator.control.webhooksIdle(10_000);
    await waitFor(async () => {
      const [row] = await queryDatabase<{ due: string }>(
        databaseUrl,
        'SELECT count(*) AS due FROM webhook_events WHERE processed_at IS NULL AND failed_at IS NULL',
      );
      return row.due === '0' ? true : undefined;
    });
  }

  const open = (app: TestApp, token: string, lastEventId?: string): ClientStream => {
    const stream = new ClientStream(`${app.url}/api/events`, { token, lastEventId });
    streams.push(stream);
    return stream;
  };
  const bodies = (events: ReceivedEvent[]): string[] => events.map((event) => (event.data.message as { body: string }).body);

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    emulator = await startIntercomEmulator({ port: 0, clientSecret: SECRET, webhookRetryBaseMs: 50 });
    const env = { DATABASE_URL: databaseUrl, INTERCOM_BASE_URL: emulator.url, INTERCOM_CLIENT_SECRET: SECRET, STREAM_RETRY_MS: '200' };
    a = await startTestApp({ ...env, WEBHOOK_POLL_INTERVAL_MS: '100' });
    b = await startTestApp({ ...env, WEBHOOK_WORKERS: '0', STREAM_MAX_BUFFER_KB: '16' });
    emulator.control.setWebhookUrl(`${a.url}/webhooks/intercom`);
  });
  afterEach(() => {
    for (const stream of streams.splice(0)) stream.close();
  });
  afterAll(async () => {
    await a.close();
    if (!bClosed) await b.close();
    await emulator.close();
  });

  it('delivers on B an event caused by a webhook processed on A', async () => {
    const { token, conversationId } = await customer('tg:two-1');
    const onB = open(b, token);
    await onB.opened();
    await emulator.operator.reply(conversationId, 'processed on A, streamed by B');
    const [event] = await onB.waitForEvents(1);
    expect(event).toMatchObject({ type: 'message.created', data: { conversationId, message: { body: 'processed on A, streamed by B' } } });
  });

  it("streams the user's own reply and close made on A to their other device on B, once", async () => {
    const { token, conversationId } = await customer('tg:two-2');
    const otherDevice = open(b, token);
    await otherDevice.opened();
    const headers = { ...bearer(token), 'content-type': 'application/json' };
    const reply = await fetch(`${a.url}/api/conversations/${conversationId}/reply`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ body: 'Sent from my phone', clientMessageId: 'phone-1' }),
    });
    expect(reply.status).toBe(201);
    expect((await fetch(`${a.url}/api/conversations/${conversationId}/close`, { method: 'POST', headers: bearer(token) })).status).toBe(
      200,
    );
    await processed();
    // The webhooks of both writes were processed: a marker proves nothing was logged twice.
    await emulator.operator.reply(conversationId, 'marker');
    const events = await otherDevice.waitForEvents(3);
    expect(events.map((event) => event.type)).toEqual(['message.created', 'conversation.updated', 'message.created']);
    expect(events[0].data).toMatchObject({
      conversationId,
      message: { body: 'Sent from my phone', clientMessageId: 'phone-1', author: { type: 'user' } },
    });
    expect(events[1].data).toEqual({ conversationId, state: 'closed', snoozedUntil: null, rated: false });
    expect(otherDevice.events).toHaveLength(3);
  });

  it('drops a stream that stops reading (bounded buffer), and the client resumes from its last id', async () => {
    const userId = 'tg:two-slow';
    const token = await sessionTokenFor(b, userId);
    const socket = connect(Number(new URL(b.url).port), '127.0.0.1');
    socket.write(`GET /api/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${token}\r\n\r\n`);
    socket.pause();
    const hub = b.app.get(EventsHub);
    await waitFor(() => (hub.connectionsOf(userId) === 1 ? true : undefined));
    const filler = 'x'.repeat(30_000);
    const total = 300;
    const log = a.app.get(UserEventsService);
    for (let batch = 0; batch < total / 50; batch += 1) {
      const events = Array.from({ length: 50 }, (_unused, index): NewUserEvent => ({
        userId,
        type: 'unread.changed',
        payload: { total: batch * 50 + index + 1, conversationId: filler, unreadCount: 0 },
      }));
      await log.record(events);
    }
    await waitFor(() => (hub.connectionsOf(userId) === 0 ? true : undefined));

    // What did reach the client before the drop: a prefix of the log, in order.
    const received: number[] = [];
    const parser = new SseParser((event) => received.push(Number(event.id)));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => parser.push(chunk));
    socket.resume();
    await new Promise((resolve) => socket.once('close', resolve));
    expect(received.length).toBeLessThan(total);
    expect(received).toEqual(Array.from({ length: received.length }, (_unused, index) => index + 1));

    // This test's events are unread.changed fillers: listen to every type.
    const resumed = new ClientStream(
      `${a.url}/api/events`,
      { token: await sessionTokenFor(a, userId), lastEventId: String(received.length) },
      STREAM_TYPES,
    );
    streams.push(resumed);
    const rest = await resumed.waitForEvents(total - received.length, 20_000);
    expect(rest.map((event) => Number(event.id))).toEqual(
      Array.from({ length: total - received.length }, (_unused, index) => received.length + index + 1),
    );
  });

  it('loses and repeats nothing when B stops mid-stream and the client reconnects to A with its last id', async () => {
    const { token, conversationId } = await customer('tg:two-3');
    const onB = open(b, token);
    await onB.opened();
    const texts = Array.from({ length: 8 }, (_unused, index) => `reply ${index + 1}`);
    for (const text of texts.slice(0, 3)) await emulator.operator.reply(conversationId, text).then(processed);
    await onB.waitForEvents(3);
    // Operators keep writing while B shuts down.
    const writing = (async () => {
      for (const text of texts.slice(3)) await emulator.operator.reply(conversationId, text).then(processed);
    })();
    await b.close();
    bClosed = true;
    onB.close();
    const seenOnB = [...onB.events];
    const onA = open(a, token, seenOnB.at(-1)!.id);
    await writing;
    await onA.waitForEvents(texts.length - seenOnB.length);
    await emulator.operator.reply(conversationId, 'marker');
    await onA.waitForEvents(texts.length - seenOnB.length + 1);
    expect([...bodies(seenOnB), ...bodies(onA.events)]).toEqual([...texts, 'marker']);
    const ids = [...seenOnB, ...onA.events].map((event) => Number(event.id));
    expect(ids).toEqual([...ids].sort((left, right) => left - right));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
