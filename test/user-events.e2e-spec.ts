import { DataSource } from 'typeorm';
import { signWebhook } from '../tools/intercom-emulator/src';
import { UserEventsService } from '../src/events/user-events.service';
import type { NewUserEvent } from '../src/events/stream-event';
import { waitFor } from './helpers/wait';
import { loggedEvents, queryDatabase, webhooksProcessed } from './helpers/events';
import { bearer } from './helpers/sessions';
import { signIn, type TestStack, startTestStack } from './helpers/stack';

const unread = (userId: string, unreadCount: number): NewUserEvent => ({
  userId,
  type: 'unread.changed',
  payload: { total: unreadCount, conversationId: 'c1', unreadCount },
});

// The per-user event log (outbox) on a real Postgres, written by the webhook worker.
describe('User event log (e2e)', () => {
  let stack: TestStack;
  let events: UserEventsService;
  let dataSource: DataSource;
  let databaseUrl: string;

  beforeAll(async () => {
    stack = await startTestStack({ WEBHOOK_POLL_INTERVAL_MS: '100', POLL_FRESHNESS_MS: '600000' });
    events = stack.app.app.get(UserEventsService);
    dataSource = stack.app.app.get(DataSource);
    databaseUrl = stack.app.config.database.url!;
  });
  afterAll(() => stack.close());

  describe('append', () => {
    it('gives concurrent appends for one user distinct, increasing seqs', async () => {
      const appended = await Promise.all(
        Array.from({ length: 20 }, (_unused, index) =>
          dataSource.transaction((manager) => events.append(manager, [unread('u-concurrent', index)])),
        ),
      );
      const seqs = appended.flat().map((event) => event.seq);
      expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_unused, index) => index + 1));
      expect((await loggedEvents(databaseUrl, 'u-concurrent')).map((row) => row.seq)).toEqual(seqs.sort((a, b) => a - b));
    });

    it('makes a second appender for the same user wait for the first to commit, so seqs commit in order', async () => {
      const first = dataSource.createQueryRunner();
      await first.connect();
      await first.startTransaction();
      const [held] = await events.append(first.manager, [unread('u-order', 1)]);
      const second = dataSource.transaction((manager) => events.append(manager, [unread('u-order', 2)]));
      // The second transaction blocks on the user's head row (a lock wait, not a guess about timing).
      await waitFor(async () => {
        const waiting = await queryDatabase<{ count: string }>(
          databaseUrl,
          "SELECT count(*) AS count FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%user_event_heads%'",
        );
        return waiting[0].count === '1' ? true : undefined;
      });
      expect(await loggedEvents(databaseUrl, 'u-order')).toEqual([]);
      await first.commitTransaction();
      await first.release();
      const [after] = await second;
      expect(after.seq).toBe(held.seq + 1);
      expect((await loggedEvents(databaseUrl, 'u-order')).map((row) => row.seq)).toEqual([held.seq, after.seq]);
    });

    it('logs an event once per dedupe key, also across transactions', async () => {
      const event: NewUserEvent = { ...unread('u-dedupe', 1), dedupeKey: 'message:42' };
      await events.record([event, event]);
      await events.record([event, { ...unread('u-dedupe', 2), dedupeKey: 'message:43' }]);
      expect((await loggedEvents(databaseUrl, 'u-dedupe')).map((row) => row.payload.unreadCount)).toEqual([1, 2]);
    });

    it('appends for several users in one call: each user has their own seqs, and a key is deduped per user', async () => {
      await events.record([unread('u-many-b', 1)]);
      const appended = await events.record([
        { ...unread('u-many-b', 2), dedupeKey: 'message:7' },
        { ...unread('u-many-a', 1), dedupeKey: 'message:7' },
        { ...unread('u-many-b', 3), dedupeKey: 'message:7' },
        unread('u-many-a', 2),
        { ...unread('u-many-c', 1), dedupeKey: 'message:7' },
      ]);
      expect(appended.map((event) => [event.userId, event.seq, (event.payload as { unreadCount: number }).unreadCount])).toEqual([
        ['u-many-a', 1, 1],
        ['u-many-a', 2, 2],
        ['u-many-b', 2, 2],
        ['u-many-c', 1, 1],
      ]);
      // Already logged for b and c: only a's new event is appended.
      const again = await events.record([
        { ...unread('u-many-c', 5), dedupeKey: 'message:7' },
        { ...unread('u-many-b', 5), dedupeKey: 'message:7' },
        unread('u-many-a', 3),
      ]);
      expect(again.map((event) => [event.userId, event.seq])).toEqual([['u-many-a', 3]]);
      expect((await loggedEvents(databaseUrl, 'u-many-b')).map((row) => row.payload.unreadCount)).toEqual([1, 2]);
      expect((await loggedEvents(databaseUrl, 'u-many-a')).map((row) => row.seq)).toEqual([1, 2, 3]);
    });

    it('rolls back with the transaction that appended', async () => {
      await expect(
        dataSource.transaction(async (manager) => {
          await events.append(manager, [unread('u-rollback', 1)]);
          throw new Error('effect failed');
        }),
      ).rejects.toThrow('effect failed');
      expect(await loggedEvents(databaseUrl, 'u-rollback')).toEqual([]);
      expect((await events.record([unread('u-rollback', 2)]))[0].seq).toBe(1);
    });
  });

  describe('from webhook processing', () => {
    it('logs an operator reply as message.created, a note as nothing, a close as conversation.updated; redeliveries once', async () => {
      const { token } = await signIn(stack, 'tg:events-1');
      const created = await fetch(`${stack.app.url}/api/conversations`, {
        method: 'POST',
        headers: { ...bearer(token), 'content-type': 'application/json' },
        body: JSON.stringify({ body: 'Where is my transfer?' }),
      });
      expect(created.status).toBe(201);
      const { id: conversationId } = (await created.json()) as { id: string };
      await webhooksProcessed(stack);
      const before = (await loggedEvents(databaseUrl, 'tg:events-1')).length;

      // One at a time: webhooks are delivered concurrently, and the order is part of what is checked.
      await stack.emulator.operator.reply(conversationId, 'It is on its way');
      await webhooksProcessed(stack);
      await stack.emulator.operator.note(conversationId, 'internal: checked the ledger');
      await webhooksProcessed(stack);
      await stack.emulator.operator.close(conversationId);
      await webhooksProcessed(stack);
      const logged = (await loggedEvents(databaseUrl, 'tg:events-1')).slice(before);
      expect(logged.map((row) => row.type)).toEqual(['message.created', 'unread.changed', 'conversation.updated']);
      expect(logged[0].payload).toMatchObject({ conversationId, message: { body: 'It is on its way', author: { type: 'admin' } } });
      expect(logged[1].payload).toEqual({ total: 1, conversationId, unreadCount: 1 });
      expect(logged[2].payload).toEqual({ conversationId, state: 'closed', snoozedUntil: null, rated: false });
      expect(JSON.stringify(logged)).not.toContain('ledger');

      // Intercom redelivers the same changes under new notification ids: each is still logged once.
      for (const sent of stack.emulator.control.webhooks().sent.slice(-3)) {
        const raw = JSON.stringify({ ...sent.body, id: `${sent.id}-again` });
        const response = await fetch(`${stack.app.url}/webhooks/intercom`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hub-signature': signWebhook(raw, stack.app.config.intercom.clientSecret) },
          body: raw,
        });
        expect(response.status).toBe(200);
      }
      await webhooksProcessed(stack);
      expect((await loggedEvents(databaseUrl, 'tg:events-1')).slice(before)).toEqual(logged);
    });
  });
});
