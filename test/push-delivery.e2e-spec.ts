import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { signWebhook } from '../tools/intercom-emulator/src';
import { type TestApp, startTestApp } from './helpers/app';
import { FakeFcm } from './helpers/fake-fcm';
import { FakeTelegram, tooManyRequests } from './helpers/fake-telegram';
import { waitFor } from './helpers/wait';
import { callJson } from './helpers/http';
import { signedInitData } from './helpers/telegram-init-data';
import { drainPushes, useLoopbackFcm } from './helpers/push-fakes';
import { type TestStack, signIn, startTestStack } from './helpers/stack';

const MINI_APP_URL = 'https://miniapp.test/app';
const SECRET = 'test-intercom-client-secret';

interface Customer {
  userId: string;
  token: string;
  fcmToken: string;
  conversationId: string;
}

// Operator actions in the emulator → signed webhooks → decisions in the inbox transaction →
// firebase-admin against a loopback FCM, and a fake Telegram Bot API.
describe('Push delivery and the unread badge (e2e)', () => {
  const fcm = new FakeFcm();
  const telegram = new FakeTelegram();
  let stack: TestStack;
  let loopback: { close(): Promise<void> };
  let seq = 0;

  const api = <T = Record<string, any>>(method: string, path: string, token: string, body?: unknown) =>
    callJson<T>(`${stack.app.url}${path}`, method, token, body);

  async function customer(meta?: Record<string, string>): Promise<Customer> {
    seq += 1;
    const userId = `push-user-${seq}-${randomBytes(3).toString('hex')}`;
    const { token } = await signIn(stack, userId);
    const fcmToken = `fcm-token-${userId}`;
    expect((await api('POST', '/api/devices/register', token, { platform: 'mobile', token: fcmToken })).status).toBe(200);
    const created = await api<{ id: string }>('POST', '/api/conversations', token, {
      body: 'My card is blocked',
      ...(meta ? { meta } : {}),
    });
    expect(created.status).toBe(201);
    return { userId, token, fcmToken, conversationId: created.body.id };
  }

  const settle = async (...apps: TestApp[]): Promise<void> => {
    await stack.emulator.control.webhooksIdle(10_000);
    await drainPushes(...(apps.length ? apps : [stack.app]));
  };
  const pushesTo = (token: string) => fcm.requestsFor(token).map((request) => request.body.message);
  const unread = (who: Customer) =>
    api<{ total: number; conversations: { id: string; unreadCount: number }[] }>('GET', '/api/unread', who.token);

  beforeAll(async () => {
    await Promise.all([fcm.start(), telegram.start()]);
    stack = await startTestStack({
      PUSH_TMA_SENDER: 'telegram',
      TELEGRAM_API_BASE_URL: telegram.url,
      TELEGRAM_MINI_APP_URL: MINI_APP_URL,
      WEBHOOK_POLL_INTERVAL_MS: '100',
      PUSH_SWEEP_INTERVAL_MS: '100',
      POLL_FRESHNESS_MS: '600000',
    });
    loopback = useLoopbackFcm(stack.app, fcm, 'push-delivery-test');
  });
  afterAll(async () => {
    await stack.close();
    await loopback.close();
    await Promise.all([fcm.close(), telegram.close()]);
  });

  describe('FCM payload and badge', () => {
    it('sends an operator reply with exactly the fields of api.md, the badge being the unread total', async () => {
      const who = await customer();
      await stack.emulator.operator.reply(who.conversationId, '<p>We have unblocked your card</p>');
      await settle();

      const [message] = pushesTo(who.fcmToken);
      const key = `c_${who.conversationId}`;
      expect(message).toEqual({
        token: who.fcmToken,
        notification: { title: expect.stringMatching(/^New reply from \S/), body: 'We have unblocked your card' },
        data: { type: 'conversation_reply', conversationId: who.conversationId, eventId: expect.stringMatching(/^\d+$/) },
        android: { priority: 'high', collapse_key: key, notification: { tag: key, notification_count: 1 } },
        apns: { headers: { 'apns-collapse-id': key }, payload: { aps: { badge: 1, 'thread-id': key, sound: 'default' } } },
      });
      expect(pushesTo(who.fcmToken)).toHaveLength(1);
      console.log(`Sample FCM message as sent (FCM v1 body): ${JSON.stringify(fcm.requestsFor(who.fcmToken)[0].body)}`);
    });

    it('answers GET /api/unread from the index with the list’s numbers, and without Intercom once warm', async () => {
      const who = await customer();
      await stack.emulator.operator.reply(who.conversationId, 'first');
      await settle();
      await stack.emulator.operator.reply(who.conversationId, 'second');
      await settle();

      const cold = await unread(who);
      expect(cold.body).toEqual({ total: 2, conversations: [{ id: who.conversationId, unreadCount: 2 }] });
      stack.emulator.control.resetRequests();
      const warm = await unread(who);
      expect(warm.body).toEqual(cold.body);
      expect(stack.emulator.control.requestCounts()).toEqual({});

      const list = await api<{ conversations: { id: string; unreadCount: number }[] }>('GET', '/api/conversations', who.token);
      expect(list.body.conversations.map(({ id, unreadCount }) => ({ id, unreadCount }))).toEqual([
        { id: who.conversationId, unreadCount: 2 },
      ]);
      // The second push carried the badge of both unread messages.
      expect(pushesTo(who.fcmToken).map((message) => message.apns?.payload.aps.badge)).toEqual([1, 2]);
    });

    it('refreshes a cold index from Intercom at most once per window, answering from the index in between', async () => {
      const who = await customer();
      await stack.emulator.operator.reply(who.conversationId, 'while Intercom search is down');
      await settle();
      const fault = stack.emulator.control.addFault({ method: 'POST', path: '/conversations/search', status: 503, count: 5 });
      try {
        stack.emulator.control.resetRequests();
        const failed = await unread(who);
        expect(failed.status).toBe(502);
        const searches = stack.emulator.control.count('POST', '/conversations/search');
        expect(searches).toBeGreaterThan(0);
        // Within UNREAD_REFRESH_SECONDS: no second refresh; the webhook-fed index answers.
        const again = await unread(who);
        expect(again.body).toEqual({ total: 1, conversations: [{ id: who.conversationId, unreadCount: 1 }] });
        expect(stack.emulator.control.count('POST', '/conversations/search')).toBe(searches);
      } finally {
        stack.emulator.control.clearFaults(fault.id);
      }
    });

    it('clears the badge after a read on another device, and counts again from there', async () => {
      const who = await customer();
      await stack.emulator.operator.reply(who.conversationId, 'please check');
      await settle();
      expect((await unread(who)).body.total).toBe(1);

      expect((await api('POST', `/api/conversations/${who.conversationId}/read`, who.token)).status).toBe(204);
      expect((await unread(who)).body).toEqual({ total: 0, conversations: [] });

      await stack.emulator.operator.reply(who.conversationId, 'one more thing');
      await settle();
      expect((await unread(who)).body.total).toBe(1);
      expect(pushesTo(who.fcmToken).map((message) => message.android?.notification?.notification_count)).toEqual([1, 1]);
    });

    it('treats a reply by the user as having read what came before it', async () => {
      const who = await customer();
      await stack.emulator.operator.reply(who.conversationId, 'a question for you');
      await settle();
      expect((await unread(who)).body.total).toBe(1);
      expect((await api('POST', `/api/conversations/${who.conversationId}/reply`, who.token, { body: 'my answer' })).status).toBe(201);
      await settle();
      expect((await unread(who)).body).toEqual({ total: 0, conversations: [] });
      // The user's own reply pushed nothing.
      expect(pushesTo(who.fcmToken)).toHaveLength(1);
    });
  });

  describe('exactly once', () => {
    const deliver = (app: TestApp, body: Record<string, unknown>): Promise<Response> => {
      const raw = JSON.stringify(body);
      return fetch(`${app.url}/webhooks/intercom`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature': signWebhook(raw, SECRET) },
        body: raw,
      });
    };
    const lastWebhookFor = (conversationId: string, topic: string): Record<string, unknown> => {
      const sent = stack.emulator.control.webhooks().sent.filter((event) => {
        const item = (event.body.data as { item: { id: string } }).item;
        return event.topic === topic && item.id === conversationId;
      });
      return sent.at(-1)!.body;
    };
    const newId = (): string => `notif_${randomBytes(8).toString('hex')}`;

    it('pushes once when Intercom redelivers the same part under a new notification id, and when a batch is retried', async () => {
      const who = await customer();
      await stack.emulator.operator.reply(who.conversationId, 'only once please');
      await settle();
      const original = lastWebhookFor(who.conversationId, 'conversation.admin.replied');

      expect((await deliver(stack.app, { ...original, id: newId() })).status).toBe(200);
      expect((await deliver(stack.app, { ...original, id: newId() })).status).toBe(200);
      await settle();
      expect(pushesTo(who.fcmToken)).toHaveLength(1);

      // A retried batch: the processed event runs again.
      const dataSource = stack.app.app.get(DataSource);
      await dataSource.query('UPDATE webhook_events SET processed_at = NULL WHERE id = $1', [original.id]);
      await settle();
      const [{ processed }] = await dataSource.query<{ processed: boolean }[]>(
        'SELECT processed_at IS NOT NULL AS processed FROM webhook_events WHERE id = $1',
        [original.id],
      );
      expect(processed).toBe(true);
      expect(pushesTo(who.fcmToken)).toHaveLength(1);
      // Nor did the redeliveries count the message twice.
      expect((await unread(who)).body.total).toBe(1);
    });

    it('pushes once when two instances process deliveries of the same part', async () => {
      const second = await startTestApp({
        DATABASE_URL: stack.app.config.database.url,
        INTERCOM_BASE_URL: stack.emulator.url,
        INTERCOM_CLIENT_SECRET: SECRET,
        WEBHOOK_POLL_INTERVAL_MS: '100',
        PUSH_SWEEP_INTERVAL_MS: '100',
      });
      const secondFcm = useLoopbackFcm(second, fcm, 'push-delivery-second');
      try {
        const who = await customer();
        stack.emulator.control.setWebhookUrl(undefined);
        await stack.emulator.operator.reply(who.conversationId, 'seen by two instances');
        stack.emulator.control.setWebhookUrl(`${stack.app.url}/webhooks/intercom`);
        const conversation = (await (
          await fetch(`${stack.emulator.url}/conversations/${who.conversationId}`, { headers: { authorization: 'Bearer any' } })
        ).json()) as Record<string, unknown>;
        const event = (id: string) => ({
          type: 'notification_event',
          id,
          topic: 'conversation.admin.replied',
          data: { type: 'notification_event_data', item: conversation },
        });
        const answers = await Promise.all([
          deliver(stack.app, event(newId())),
          deliver(second, event(newId())),
          deliver(stack.app, event(newId())),
          deliver(second, event(newId())),
        ]);
        expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
        await settle(stack.app, second);
        expect(pushesTo(who.fcmToken)).toHaveLength(1);
      } finally {
        await second.close();
        await secondFcm.close();
      }
    });

    it('sends a push whose sender died after deciding it, once, when its claim runs out', async () => {
      const who = await customer();
      const dataSource = stack.app.app.get(DataSource);
      // As the deciding instance left it: decided and committed, claimed by a process now gone.
      const content = {
        kind: 'conversation_closed',
        target: { conversationId: who.conversationId },
        title: 'Your conversation was closed',
        body: 'How did we do? Tap to rate the conversation.',
        button: 'Open',
        language: 'en',
      };
      const [row] = await dataSource.query<{ id: string }[]>(
        `INSERT INTO push_deliveries (user_id, source_key, content, claimed_until) VALUES ($1, $2, $3, now() - interval '1 second') RETURNING id`,
        [who.userId, `conversation:${who.conversationId}:part:crashed`, JSON.stringify(content)],
      );
      await settle();
      const sent = pushesTo(who.fcmToken);
      expect(sent).toHaveLength(1);
      expect(sent[0].data).toEqual({ type: 'conversation_closed', conversationId: who.conversationId, eventId: String(row.id) });
      const [{ status, claims }] = await dataSource.query<{ status: string; claims: number }[]>(
        'SELECT status, claims FROM push_deliveries WHERE id = $1',
        [row.id],
      );
      expect({ status, claims }).toEqual({ status: 'sent', claims: 2 });
    });
  });

  describe('whose actions push', () => {
    it('pushes nothing for the user’s own close, nor for the reopen their reply causes, nor for notes', async () => {
      const who = await customer();
      await stack.emulator.operator.note(who.conversationId, 'internal: customer verified');
      expect((await api('POST', `/api/conversations/${who.conversationId}/close`, who.token)).status).toBe(200);
      await settle();
      expect((await api('POST', `/api/conversations/${who.conversationId}/reply`, who.token, { body: 'one more question' })).status).toBe(
        201,
      );
      await settle();
      expect(pushesTo(who.fcmToken)).toEqual([]);

      // An operator's close is pushed: the invitation to rate.
      await stack.emulator.operator.close(who.conversationId);
      await settle();
      expect(pushesTo(who.fcmToken).map((message) => [message.data?.type, message.notification?.title])).toEqual([
        ['conversation_closed', 'Your conversation was closed'],
      ]);
    });

    it('pushes an operator snooze', async () => {
      const who = await customer();
      await stack.emulator.operator.snooze(who.conversationId, Math.floor(Date.now() / 1000) + 3600);
      await settle();
      expect(pushesTo(who.fcmToken).map((message) => message.data?.type)).toEqual(['conversation_snoozed']);
    });

    it('writes in the contact’s locale, falling back to English', async () => {
      const spanish = await customer({ locale: 'es-ES' });
      const unknown = await customer({ locale: 'tlh' });
      await stack.emulator.operator.close(spanish.conversationId);
      await stack.emulator.operator.close(unknown.conversationId);
      await settle();
      expect(pushesTo(spanish.fcmToken)[0].notification).toEqual({
        title: 'Tu conversación se ha cerrado',
        body: '¿Qué tal lo hicimos? Toca para valorar la conversación.',
      });
      expect(pushesTo(unknown.fcmToken)[0].notification?.title).toBe('Your conversation was closed');
    });
  });

  describe('Telegram', () => {
    let chatSeq = 6_100_000;

    // A Mini App sign-in through /auth/telegram, so Telegram's language_code is recorded.
    async function miniAppUser(languageCode: string): Promise<{ chatId: string; token: string; conversationId: string }> {
      chatSeq += 1;
      const session = await callJson<{ token: string }>(`${stack.app.url}/auth/telegram`, 'POST', undefined, {
        initData: signedInitData(stack.app.config.telegram.botToken, { id: chatSeq, first_name: 'Ivan', language_code: languageCode }),
      });
      expect(session.status).toBe(200);
      const chatId = String(chatSeq);
      expect((await api('POST', '/api/devices/register', session.body.token, { platform: 'tma', token: chatId })).status).toBe(200);
      const created = await api<{ id: string }>('POST', '/api/conversations', session.body.token, { body: 'Help' });
      return { chatId, token: session.body.token, conversationId: created.body.id };
    }

    it('sends the message with a button that opens the Mini App at the conversation, in the user’s language', async () => {
      const user = await miniAppUser('ru');
      await stack.emulator.operator.reply(user.conversationId, 'Карта разблокирована');
      await settle();
      const [sent] = telegram.messagesTo(user.chatId);
      expect(sent.body).toEqual({
        chat_id: user.chatId,
        text: expect.stringMatching(/^Новый ответ от \S.*\nКарта разблокирована$/),
        link_preview_options: { is_disabled: true },
        reply_markup: {
          inline_keyboard: [[{ text: 'Открыть', web_app: { url: `${MINI_APP_URL}?tgWebAppStartParam=c_${user.conversationId}` } }]],
        },
      });
      expect(telegram.messagesTo(user.chatId)).toHaveLength(1);
      console.log(`Sample Telegram sendMessage body as sent: ${JSON.stringify(sent.body)}`);
    });

    it('waits out retry_after with no database transaction open', async () => {
      const user = await miniAppUser('en');
      telegram.script(user.chatId, tooManyRequests(2));
      await stack.emulator.operator.reply(user.conversationId, 'after the rate limit');
      const [first] = await waitFor(() => (telegram.messagesTo(user.chatId).length === 1 ? telegram.messagesTo(user.chatId) : undefined));
      // Telegram asked us to wait: the webhook's batch has committed, and no transaction that was
      // open before the call is still open (other workers' short polls may be open right now).
      const dataSource = stack.app.app.get(DataSource);
      const open = await dataSource.query<{ count: number }[]>(
        `SELECT count(*)::int AS count FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start < to_timestamp($1::double precision / 1000)`,
        [first.at],
      );
      const pending = await dataSource.query<{ count: number }[]>(
        'SELECT count(*)::int AS count FROM webhook_events WHERE processed_at IS NULL AND failed_at IS NULL',
      );
      expect(telegram.messagesTo(user.chatId)).toHaveLength(1);
      expect({ openTransactions: open[0].count, unprocessedWebhooks: pending[0].count }).toEqual({
        openTransactions: 0,
        unprocessedWebhooks: 0,
      });
      await settle();
      const calls = telegram.messagesTo(user.chatId);
      expect(calls).toHaveLength(2);
      expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(2000);
    });
  });
});
