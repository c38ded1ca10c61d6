import { createSecretKey } from 'node:crypto';
import { SignJWT } from 'jose';
import { Client } from 'pg';
import { callJson, expectErrorEnvelope } from './helpers/http';
import { signIn, startTestStack, type TestStack } from './helpers/stack';
import { signedInitData } from './helpers/telegram-init-data';
import { waitFor } from './helpers/wait';

// #15 item 3: U+0000 and unpaired surrogates — text Postgres cannot store — are refused in every
// user input with a validation_error naming the field, and never poison the webhook inbox.
const NUL = 'a\u0000b';
const LONE = 'x\uD800y';

describe('Text safety (e2e)', () => {
  let stack: TestStack;
  let token: string;
  let conversationId: string;

  beforeAll(async () => {
    stack = await startTestStack({ WEBHOOK_POLL_INTERVAL_MS: '50' });
    token = (await signIn(stack, 'text-safety-user')).token;
    const created = await callJson(`${stack.app.url}/api/conversations`, 'POST', token, { body: 'Hello 😀' });
    expect(created.status).toBe(201);
    conversationId = created.body.id as string;
  }, 60_000);
  afterAll(() => stack?.close());

  const api = (path: string, method: string, body?: unknown) => callJson(`${stack.app.url}${path}`, method, token, body);

  it.each([
    ['POST /api/conversations body', 'POST', '/api/conversations', { body: NUL }, 'body'],
    ['POST /api/conversations reason.main', 'POST', '/api/conversations', { reason: { main: LONE } }, 'reason.main'],
    ['POST /api/conversations reason.sub', 'POST', '/api/conversations', { reason: { main: 'payments', sub: NUL } }, 'reason.sub'],
    ['POST /api/conversations meta value', 'POST', '/api/conversations', { body: 'hi', meta: { locale: NUL } }, 'meta.locale'],
    ['POST /api/conversations meta nested', 'POST', '/api/conversations', { body: 'hi', meta: { extra: [LONE] } }, 'meta.extra.0'],
    ['POST /api/conversations meta key', 'POST', '/api/conversations', { body: 'hi', meta: { ['k\u0000']: 'v' } }, 'meta (a key)'],
    ['conversation reply body', 'POST', '/api/conversations/{id}/reply', { body: LONE }, 'body'],
    ['ticket reply body', 'POST', '/api/tickets/abc123/reply', { body: NUL }, 'body'],
    ['ticket clarify body', 'POST', '/api/tickets/abc123/clarify', { body: NUL }, 'body'],
    ['CSAT comment', 'POST', '/api/csat', { stars: 4, comment: NUL, conversationId: '1' }, 'comment'],
    ['complaint description', 'POST', '/api/complaints', { category: 'other', description: `long enough ${NUL}` }, 'description'],
    ['complaint chatId', 'POST', '/api/complaints', { category: 'other', description: 'long enough text', chatId: LONE }, 'chatId'],
    ['device token', 'POST', '/api/devices/register', { platform: 'mobile', token: NUL }, 'token'],
    ['diagnostics free text', 'POST', '/api/diagnostics', { deviceModel: NUL }, 'deviceModel'],
    ['diagnostics unknown field', 'POST', '/api/diagnostics', { somethingNew: LONE }, 'somethingNew'],
    ['a path id', 'GET', `/api/conversations/${encodeURIComponent('1\u0000')}`, undefined, 'id'],
    ['a query', 'GET', `/api/tickets/search?q=${encodeURIComponent(NUL)}`, undefined, 'q'],
  ])('refuses %s', async (_name, method, template, body, field) => {
    const response = await api(template.replace('{id}', conversationId), method, body);
    expectErrorEnvelope(response, 400, 'validation_error');
    expect(response.body.message).toBe(`${field} must not contain U+0000 or an unpaired surrogate`);
  });

  it('keeps accepting every other character, astral ones included', async () => {
    const text = 'Привет 😀 \u200b\uFFFD 𝒳 — tab\tand\nnewline';
    const reply = await api(`/api/conversations/${conversationId}/reply`, 'POST', { body: text });
    expect(reply.status).toBe(201);
    expect(reply.body.body).toBe(text);
    const csat = await api('/api/csat', 'POST', { stars: 5, comment: text, conversationId });
    expect(csat.status).toBe(201);
  });

  it('refuses a host token whose name claim holds U+0000, and a Telegram user whose name does', async () => {
    const config = stack.app.config;
    const hostToken = await new SignJWT({ name: NUL })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('host-user-text')
      .setIssuer(config.hostJwt.issuer)
      .setAudience(config.hostJwt.audience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(createSecretKey(Buffer.from(config.hostJwt.secret!, 'utf8')));
    const exchanged = await callJson(`${stack.app.url}/auth/exchange`, 'POST', undefined, { token: hostToken });
    expectErrorEnvelope(exchanged, 400, 'validation_error');
    expect(exchanged.body.message).toMatch(/^token: the name claim must not contain/);

    const initData = signedInitData(config.telegram.botToken, { id: 4242, first_name: LONE });
    const telegram = await callJson(`${stack.app.url}/auth/telegram`, 'POST', undefined, { initData });
    expectErrorEnvelope(telegram, 400, 'validation_error');
    expect(telegram.body.message).toMatch(/^initData: the user's name must not contain/);
  });

  it('acknowledges and processes a webhook holding U+0000 and a lone surrogate, and the next one for the same conversation', async () => {
    // The operator's text arrives as Intercom sends it (JSON escapes \u0000, \ud800 on the wire).
    await stack.emulator.operator.reply(conversationId, `<p>pasted ${NUL} and ${LONE}</p>`);
    await stack.emulator.operator.reply(conversationId, '<p>A normal answer</p>');
    await stack.emulator.control.webhooksIdle(10_000);
    const deliveries = stack.emulator.control.webhooks().deliveries.filter((delivery) => delivery.topic === 'conversation.admin.replied');
    expect(deliveries.map((delivery) => delivery.status)).toEqual([200, 200]);

    const client = new Client({ connectionString: stack.app.config.database.url });
    await client.connect();
    try {
      const rows = await waitFor(async () => {
        const result = await client.query<{ processed: boolean; failed: boolean; payload: string }>(
          `SELECT processed_at IS NOT NULL AS processed, failed_at IS NOT NULL AS failed, payload::text AS payload
           FROM webhook_events WHERE topic = 'conversation.admin.replied' ORDER BY received_at`,
        );
        return result.rows.length === 2 && result.rows.every((row) => row.processed) ? result.rows : undefined;
      });
      expect(rows.map((row) => row.failed)).toEqual([false, false]);
      // Stored cleaned: U+FFFD where Postgres could not keep the original.
      expect(rows[0].payload).toContain('pasted a\uFFFDb and x\uFFFDy');
    } finally {
      await client.end();
    }
    // The user's unread index saw both operator messages: neither event was lost.
    const unread = await api('/api/unread', 'GET');
    expect(unread.body.conversations).toEqual([{ id: conversationId, unreadCount: 2 }]);
  });
});
