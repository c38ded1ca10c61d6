import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { PushDispatcherService } from '../src/notifications/push-dispatcher.service';
import { WebhookInboxWorker } from '../src/webhooks/webhook-inbox.worker';
import { signWebhook } from '../tools/intercom-emulator/src';
import { type TestApp, startTestApp } from './helpers/app';
import { createTestDatabase } from './helpers/database';
import { FakeTelegram } from './helpers/fake-telegram';
import { waitFor } from './helpers/wait';
import { drainPushes } from './helpers/push-fakes';
import { bearer, sessionTokenFor } from './helpers/sessions';

const SECRET = 'test-intercom-client-secret';
const CHAT_ID = '700100';
const USER_ID = `tg:${CHAT_ID}`;

const notificationId = (): string => `notif_${randomBytes(8).toString('hex')}`;

function adminReply(id: string, conversationId: string, text = 'Hello from support'): Record<string, unknown> {
  return {
    type: 'notification_event',
    app_id: 'app',
    id,
    topic: 'conversation.admin.replied',
    created_at: 1_700_000_000,
    data: {
      type: 'notification_event_data',
      item: {
        type: 'conversation',
        id: conversationId,
        state: 'open',
        contacts: { type: 'contact.list', contacts: [{ type: 'contact', id: 'contact-1', external_id: USER_ID }] },
        conversation_parts: {
          conversation_parts: [
            { id: 'p1', part_type: 'comment', body: `<p>${text}</p>`, author: { type: 'admin', id: '1', name: 'Anna' } },
          ],
        },
      },
    },
  };
}

// signature: null sends none; left out, the raw body is signed with the right secret.
async function deliver(app: TestApp, raw: string, signature: string | null = signWebhook(raw, SECRET)): Promise<Response> {
  return fetch(`${app.url}/webhooks/intercom`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature': signature } : {}) },
    body: raw,
  });
}

async function query<T>(databaseUrl: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

async function registerTma(app: TestApp): Promise<void> {
  const token = await sessionTokenFor(app, USER_ID, { telegramChatId: CHAT_ID });
  const response = await fetch(`${app.url}/api/devices/register`, {
    method: 'POST',
    headers: { ...bearer(token), 'content-type': 'application/json' },
    body: JSON.stringify({ platform: 'tma', token: CHAT_ID }),
  });
  expect(response.status).toBe(200);
}

describe('Webhooks (e2e)', () => {
  const telegram = new FakeTelegram();
  let databaseUrl: string;
  const env = (): Record<string, string> => ({
    DATABASE_URL: databaseUrl,
    INTERCOM_CLIENT_SECRET: SECRET,
    PUSH_TMA_SENDER: 'telegram',
    TELEGRAM_API_BASE_URL: telegram.url,
    TELEGRAM_MINI_APP_URL: 'https://miniapp.test/app',
    WEBHOOK_POLL_INTERVAL_MS: '100',
  });

  beforeAll(async () => {
    await telegram.start();
    databaseUrl = await createTestDatabase();
  });
  afterAll(() => telegram.close());

  describe('receiving', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp(env());
    });
    afterAll(() => app.close());

    it('acknowledges a correctly signed notification and records it', async () => {
      const id = notificationId();
      const response = await deliver(app, JSON.stringify(adminReply(id, 'conv-record')));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ received: true, duplicate: false });
      const rows = await query<{ topic: string }>(databaseUrl, 'SELECT topic FROM webhook_events WHERE id = $1', [id]);
      expect(rows).toEqual([{ topic: 'conversation.admin.replied' }]);
    });

    it.each([
      ['signed with another secret', (raw: string) => signWebhook(raw, 'some-other-secret-0123456789')],
      ['without a signature', () => null],
      [
        'with the signature of the body before it was re-serialised',
        (raw: string) => signWebhook(JSON.stringify(JSON.parse(raw), null, 2), SECRET),
      ],
      ['with a sha256= prefix', (raw: string) => signWebhook(raw, SECRET).replace('sha1=', 'sha256=')],
      ['with a malformed signature', () => 'sha1=not-hex'],
    ])('answers 401 and records nothing when %s', async (_case, sign) => {
      const id = notificationId();
      const raw = JSON.stringify(adminReply(id, 'conv-401'));
      const response = await deliver(app, raw, sign(raw));
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: 'unauthorized', requestId: expect.any(String) });
      expect(await query(databaseUrl, 'SELECT id FROM webhook_events WHERE id = $1', [id])).toEqual([]);
    });

    it('answers 401 to an unsigned body before looking at its shape', async () => {
      const response = await deliver(app, JSON.stringify({ anything: true }), null);
      expect(response.status).toBe(401);
    });

    it('acknowledges ping without recording it', async () => {
      const id = notificationId();
      const raw = JSON.stringify({ type: 'notification_event', id, topic: 'ping', data: { item: { type: 'ping', message: 'hi' } } });
      const response = await deliver(app, raw);
      expect(response.status).toBe(200);
      expect(await query(databaseUrl, 'SELECT id FROM webhook_events WHERE id = $1', [id])).toEqual([]);
    });

    it("acknowledges Intercom's real test ping, whose id is null", async () => {
      const raw = JSON.stringify({
        type: 'notification_event',
        id: null,
        topic: 'ping',
        app_id: 'abc',
        data: { type: 'notification_event_data', item: { type: 'ping', message: 'something something interzen' } },
      });
      expect((await deliver(app, raw)).status).toBe(200);
    });

    it('accepts bodies above the API-wide cap up to 1 MB, and answers 413 above', async () => {
      const big = (size: number): string => {
        const event = adminReply(notificationId(), 'conv-big');
        return JSON.stringify({ ...event, padding: 'x'.repeat(size) });
      };
      expect((await deliver(app, big(600 * 1024))).status).toBe(200);
      const tooBig = await deliver(app, big(1024 * 1024));
      expect(tooBig.status).toBe(413);
      expect(await tooBig.json()).toMatchObject({ error: 'payload_too_large' });
    });

    it('answers 400 to a signed body that is not an Intercom notification', async () => {
      const raw = JSON.stringify({ type: 'something_else', id: 'x', topic: 'ping', data: { item: {} } });
      expect((await deliver(app, raw)).status).toBe(400);
      const notJson = '{"type":';
      expect((await deliver(app, notJson)).status).toBe(400);
    });

    it('processes a redelivered notification once', async () => {
      await registerTma(app);
      const id = notificationId();
      const raw = JSON.stringify(adminReply(id, 'conv-dup', 'only once'));
      const answers = await Promise.all([deliver(app, raw), deliver(app, raw), deliver(app, raw)]);
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
      const bodies = (await Promise.all(answers.map((answer) => answer.json()))) as { duplicate: boolean }[];
      expect(bodies.filter((body) => !body.duplicate)).toHaveLength(1);
      await waitFor(async () => {
        const [row] = await query<{ processed_at: Date | null }>(databaseUrl, 'SELECT processed_at FROM webhook_events WHERE id = $1', [
          id,
        ]);
        return row.processed_at ?? undefined;
      });
      const later = await deliver(app, raw);
      expect(await later.json()).toEqual({ received: true, duplicate: true });
      await drainPushes(app);
      expect(telegram.calls.filter((call) => call.body.text.includes('only once'))).toHaveLength(1);
    });
  });

  describe('durability', () => {
    const processedAt = async (id: string): Promise<Date | undefined> => {
      const [row] = await query<{ processed_at: Date | null }>(databaseUrl, 'SELECT processed_at FROM webhook_events WHERE id = $1', [id]);
      return row?.processed_at ?? undefined;
    };
    const pushesFor = (text: string): number => telegram.messagesTo(CHAT_ID).filter((call) => call.body.text.includes(text)).length;

    it('isolates the failing event of a batch: the others are processed once, it alone is retried', async () => {
      // No workers: the one batch is taken by hand, in the order the events were received.
      const app = await startTestApp({ ...env(), WEBHOOK_WORKERS: '0', WEBHOOK_RETRY_DELAY_MS: '600000' });
      const poison = adminReply(notificationId(), 'conv-batch-poison', 'the poisoned one');
      try {
        await registerTma(app);
        // A malformed contact list makes processing throw (after the poll snapshot took the webhook).
        (poison.data as { item: Record<string, unknown> }).item.contacts = { contacts: 'not a list' };
        const batch = [adminReply(notificationId(), 'conv-batch-1', 'before the poison'), poison];
        batch.push(adminReply(notificationId(), 'conv-batch-2', 'after the poison'));
        for (const event of batch) expect((await deliver(app, JSON.stringify(event))).status).toBe(200);
        expect(await app.app.get(WebhookInboxWorker).processNext()).toBe(true);
        const rows = await query<{ id: string; processed: boolean; attempts: number; failed: boolean }>(
          databaseUrl,
          'SELECT id, processed_at IS NOT NULL AS processed, attempts, last_error IS NOT NULL AS failed FROM webhook_events WHERE id = ANY($1)',
          [batch.map((event) => event.id)],
        );
        const byId = new Map(rows.map(({ id, ...row }) => [id, row]));
        expect(batch.map((event) => byId.get(event.id as string))).toEqual([
          { processed: true, attempts: 1, failed: false },
          { processed: false, attempts: 1, failed: true },
          { processed: true, attempts: 1, failed: false },
        ]);
        await app.app.get(PushDispatcherService).idle();
        expect(['before the poison', 'the poisoned one', 'after the poison'].map(pushesFor)).toEqual([1, 0, 1]);
      } finally {
        await app.close();
        // Left due, it would keep the other tests' drains waiting.
        await query(databaseUrl, 'DELETE FROM webhook_events WHERE id = $1', [poison.id]);
      }
    });

    it('processes exactly once an event acknowledged by an instance that stopped before processing it', async () => {
      // The first instance only acknowledges (no workers), as if it crashed right after answering 200.
      const ingestOnly = await startTestApp({ ...env(), WEBHOOK_WORKERS: '0' });
      await registerTma(ingestOnly);
      const id = notificationId();
      const raw = JSON.stringify(adminReply(id, 'conv-restart', 'survives a restart'));
      expect((await deliver(ingestOnly, raw)).status).toBe(200);
      await ingestOnly.close();
      expect(await processedAt(id)).toBeUndefined();
      expect(pushesFor('survives a restart')).toBe(0);

      const restarted = await startTestApp(env());
      try {
        await waitFor(() => processedAt(id));
        // Intercom redelivers to the new instance: acknowledged, not processed again.
        expect(await (await deliver(restarted, raw)).json()).toEqual({ received: true, duplicate: true });
        await drainPushes(restarted);
        expect(pushesFor('survives a restart')).toBe(1);
      } finally {
        await restarted.close();
      }
    });

    it('takes over an event whose worker died mid-processing, once its lock is gone', async () => {
      const ingestOnly = await startTestApp({ ...env(), WEBHOOK_WORKERS: '0' });
      const id = notificationId();
      expect((await deliver(ingestOnly, JSON.stringify(adminReply(id, 'conv-crash', 'after a crash')))).status).toBe(200);
      await ingestOnly.close();
      // A worker of another instance holds the row (mid-processing) ...
      const dying = new Client({ connectionString: databaseUrl });
      dying.on('error', () => undefined); // terminated on purpose below
      await dying.connect();
      await dying.query('BEGIN');
      await dying.query('SELECT id FROM webhook_events WHERE id = $1 FOR UPDATE', [id]);
      const app = await startTestApp(env());
      try {
        // Drained to idle: the worker skips the locked row (SKIP LOCKED) and finds nothing else due.
        expect(await app.app.get(WebhookInboxWorker).processNext()).toBe(false);
        expect(await processedAt(id)).toBeUndefined();
        // ... and its process dies: Postgres ends the session and drops the lock.
        await query(databaseUrl, 'SELECT pg_terminate_backend($1)', [(dying as unknown as { processID: number }).processID]);
        await dying.end().catch(() => undefined);
        await waitFor(() => processedAt(id));
        await drainPushes(app);
        expect(pushesFor('after a crash')).toBe(1);
      } finally {
        await app.close();
      }
    });

    it('shares the work between instances without processing any event twice', async () => {
      const [first, second] = await Promise.all([startTestApp(env()), startTestApp(env())]);
      try {
        const ids = Array.from({ length: 20 }, () => notificationId());
        await Promise.all(
          ids.map((id, index) =>
            deliver(index % 2 ? first : second, JSON.stringify(adminReply(id, `conv-shared-${index}`, `shared ${id}`))),
          ),
        );
        await waitFor(async () => {
          const rows = await query(databaseUrl, 'SELECT id FROM webhook_events WHERE id = ANY($1) AND processed_at IS NOT NULL', [ids]);
          return rows.length === ids.length ? true : undefined;
        });
        await drainPushes(first, second);
        expect(ids.map((id) => pushesFor(`shared ${id}`))).toEqual(ids.map(() => 1));
      } finally {
        await Promise.all([first.close(), second.close()]);
      }
    });

    it('retries a failing event with backoff, then gives up and keeps it for inspection', async () => {
      const app = await startTestApp({ ...env(), WEBHOOK_RETRY_DELAY_MS: '200', WEBHOOK_MAX_ATTEMPTS: '3' });
      try {
        const id = notificationId();
        const event = adminReply(id, 'conv-poison');
        // A malformed contact list makes processing throw every time.
        (event.data as { item: Record<string, unknown> }).item.contacts = { contacts: 'not a list' };
        const startedAt = Date.now();
        expect((await deliver(app, JSON.stringify(event))).status).toBe(200);
        const row = await waitFor(async () => {
          const [found] = await query<{ attempts: number; failed_at: Date | null; last_error: string }>(
            databaseUrl,
            'SELECT attempts, failed_at, last_error FROM webhook_events WHERE id = $1',
            [id],
          );
          return found?.failed_at ? found : undefined;
        });
        expect(row.attempts).toBe(3);
        expect(row.last_error).toEqual(expect.any(String));
        // Two waits between three attempts: 200 ms, then 400 ms.
        expect(row.failed_at!.getTime() - startedAt).toBeGreaterThanOrEqual(600);
      } finally {
        await app.close();
      }
    });
  });
});
