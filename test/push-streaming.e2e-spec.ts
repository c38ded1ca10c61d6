import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EventsHub } from '../src/events/events-hub';
import { PushDispatcherService } from '../src/notifications/push-dispatcher.service';
import { type TestApp, startTestApp } from './helpers/app';
import { FakeFcm } from './helpers/fake-fcm';
import { callJson } from './helpers/http';
import { drainPushes, useLoopbackFcm } from './helpers/push-fakes';
import { bearer } from './helpers/sessions';
import { type TestStack, signIn, startTestStack } from './helpers/stack';
import { RawStream } from './helpers/streams';
import { waitFor } from './helpers/wait';

interface Customer {
  userId: string;
  token: string;
  fcmToken: string;
  conversationId: string;
}

// The stream and pushes together: unread.changed on the stream, and no push while it is open
// (PUSH_SUPPRESS_WHILE_STREAMING), tested both ways and across instances.
describe.each<{ suppress: boolean; env: Record<string, string> }>([
  { suppress: true, env: { PUSH_SUPPRESS_WHILE_STREAMING: 'true' } },
  { suppress: false, env: { PUSH_SUPPRESS_WHILE_STREAMING: 'false' } },
])('Pushes and live streams (e2e, PUSH_SUPPRESS_WHILE_STREAMING=$suppress)', ({ suppress, env }) => {
  const fcm = new FakeFcm();
  let stack: TestStack;
  let second: TestApp;
  let loopbacks: { close(): Promise<void> }[] = [];
  const streams: RawStream[] = [];

  const api = <T = Record<string, any>>(method: string, path: string, token: string, body?: unknown) =>
    callJson<T>(`${stack.app.url}${path}`, method, token, body);

  async function customer(): Promise<Customer> {
    const userId = `stream-user-${randomBytes(4).toString('hex')}`;
    const { token } = await signIn(stack, userId);
    const fcmToken = `fcm-${userId}`;
    expect((await api('POST', '/api/devices/register', token, { platform: 'mobile', token: fcmToken })).status).toBe(200);
    const created = await api<{ id: string }>('POST', '/api/conversations', token, { body: 'Hello' });
    expect(created.status).toBe(201);
    return { userId, token, fcmToken, conversationId: created.body.id };
  }

  async function openStream(app: TestApp, who: Customer): Promise<RawStream> {
    const stream = await RawStream.open(`${app.url}/api/events`, bearer(who.token));
    expect(stream.response.status).toBe(200);
    streams.push(stream);
    // Live once the server wrote `retry:` (the hub has the connection).
    await waitFor(() => (stream.retry !== undefined ? true : undefined));
    return stream;
  }

  const settle = async (): Promise<void> => {
    await stack.emulator.control.webhooksIdle(10_000);
    await drainPushes(stack.app, second);
  };
  const statuses = async (who: Customer): Promise<string[]> =>
    (
      await stack.app.app
        .get(DataSource)
        .query<{ status: string }[]>('SELECT status FROM push_deliveries WHERE user_id = $1 ORDER BY id', [who.userId])
    ).map((row) => row.status);

  beforeAll(async () => {
    await fcm.start();
    stack = await startTestStack({ WEBHOOK_POLL_INTERVAL_MS: '100', PUSH_SWEEP_INTERVAL_MS: '100', POLL_FRESHNESS_MS: '600000', ...env });
    second = await startTestApp({
      DATABASE_URL: stack.app.config.database.url,
      INTERCOM_BASE_URL: stack.emulator.url,
      INTERCOM_CLIENT_SECRET: 'test-intercom-client-secret',
      WEBHOOK_POLL_INTERVAL_MS: '100',
      ...env,
    });
    loopbacks = [
      useLoopbackFcm(stack.app, fcm, `streaming-${String(suppress)}-1`),
      useLoopbackFcm(second, fcm, `streaming-${String(suppress)}-2`),
    ];
  });
  afterAll(async () => {
    for (const stream of streams) stream.close();
    await second.close();
    await stack.close();
    for (const loopback of loopbacks) await loopback.close();
    await fcm.close();
  });

  it('streams unread.changed after an operator reply and after a read on another device', async () => {
    const who = await customer();
    const stream = await openStream(stack.app, who);
    await stack.emulator.operator.reply(who.conversationId, 'news for you');
    await settle();
    const unread = () => stream.events.filter((event) => event.type === 'unread.changed').map((event) => event.data);
    await waitFor(() => (unread().length >= 1 ? true : undefined));
    expect(unread()).toEqual([{ total: 1, conversationId: who.conversationId, unreadCount: 1 }]);

    expect((await api('POST', `/api/conversations/${who.conversationId}/read`, who.token)).status).toBe(204);
    await waitFor(() => (unread().length >= 2 ? true : undefined));
    expect(unread()[1]).toEqual({ total: 0, conversationId: who.conversationId, unreadCount: 0 });
    expect((await api('GET', '/api/unread', who.token)).body).toEqual({ total: 0, conversations: [] });
    stream.close();
  });

  it(
    suppress ? 'sends no push while the user has a live stream, on this instance or another' : 'pushes even while the user streams',
    async () => {
      const here = await customer();
      const elsewhere = await customer();
      const streamHere = await openStream(stack.app, here);
      const streamElsewhere = await openStream(second, elsewhere);
      await stack.emulator.operator.reply(here.conversationId, 'while streaming here');
      await stack.emulator.operator.reply(elsewhere.conversationId, 'while streaming elsewhere');
      await settle();
      await waitFor(() => (streamHere.events.some((event) => event.type === 'message.created') ? true : undefined));
      const expected = suppress ? 0 : 1;
      expect([fcm.requestsFor(here.fcmToken).length, fcm.requestsFor(elsewhere.fcmToken).length]).toEqual([expected, expected]);
      expect(await statuses(here)).toEqual([suppress ? 'suppressed' : 'sent']);
      if (!suppress) {
        // The push names the stream event of the same message: a client that has both shows it once.
        const created = streamHere.events.find((event) => event.type === 'message.created');
        expect(fcm.requestsFor(here.fcmToken)[0].body.message.data?.eventId).toBe(created?.id);
      }

      // Stream closed (the app went to the background): the next message is pushed.
      streamHere.close();
      streamElsewhere.close();
      const dataSource = stack.app.app.get(DataSource);
      await waitFor(async () => {
        const rows = await dataSource.query<unknown[]>('SELECT 1 FROM stream_presence WHERE user_id = ANY($1)', [
          [here.userId, elsewhere.userId],
        ]);
        return rows.length === 0 && stack.app.app.get(EventsHub).connectionsOf(here.userId) === 0 ? true : undefined;
      });
      await stack.emulator.operator.reply(here.conversationId, 'after the stream closed');
      await stack.emulator.operator.reply(elsewhere.conversationId, 'after the stream closed');
      await settle();
      expect([fcm.requestsFor(here.fcmToken).length, fcm.requestsFor(elsewhere.fcmToken).length]).toEqual([expected + 1, expected + 1]);
    },
  );
});

// One instance, so the worker that decides is the one holding the stream: the push is decided
// suppressed in the webhook's own transaction (finished then), never handed to the dispatcher.
describe('Pushes and live streams on the deciding instance (e2e)', () => {
  let stack: TestStack;
  const streams: RawStream[] = [];

  beforeAll(async () => {
    stack = await startTestStack({ WEBHOOK_POLL_INTERVAL_MS: '100', PUSH_SWEEP_INTERVAL_MS: '100', POLL_FRESHNESS_MS: '600000' });
  });
  afterAll(async () => {
    for (const stream of streams) stream.close();
    await stack.close();
  });

  it('decides the push suppressed in the webhook transaction for a user streaming here', async () => {
    const userId = `stream-user-${randomBytes(4).toString('hex')}`;
    const { token } = await signIn(stack, userId);
    const created = await callJson<{ id: string }>(`${stack.app.url}/api/conversations`, 'POST', token, { body: 'Hello' });
    expect(created.status).toBe(201);
    const stream = await RawStream.open(`${stack.app.url}/api/events`, bearer(token));
    streams.push(stream);
    await waitFor(() => (stream.retry !== undefined ? true : undefined));
    const enqueued: string[] = [];
    const dispatcher = stack.app.app.get(PushDispatcherService);
    const enqueue = dispatcher.enqueue.bind(dispatcher);
    jest.spyOn(dispatcher, 'enqueue').mockImplementation((ids) => {
      enqueued.push(...ids);
      enqueue(ids);
    });

    await stack.emulator.operator.reply(created.body.id, 'while streaming here');
    await stack.emulator.control.webhooksIdle(10_000);
    await drainPushes(stack.app);
    await waitFor(() => (stream.events.some((event) => event.type === 'message.created') ? true : undefined));
    const rows = await stack.app.app
      .get(DataSource)
      .query<{ id: string; status: string; decided_finished: boolean }[]>(
        'SELECT id::text, status, finished_at = created_at AS decided_finished FROM push_deliveries WHERE user_id = $1',
        [userId],
      );
    expect(rows.map(({ status, decided_finished }) => ({ status, decided_finished }))).toEqual([
      { status: 'suppressed', decided_finished: true },
    ]);
    expect(enqueued).not.toContain(rows[0].id);
  });
});
