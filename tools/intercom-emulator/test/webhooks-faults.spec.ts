import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningEmulator } from '../src';
import { client, start, type Json } from './helpers';

interface Received {
  raw: string;
  signature: string | undefined;
  body: Json;
}

describe('webhooks', () => {
  let emu: RunningEmulator;
  let hook: Server;
  const received: Received[] = [];
  let failNext = 0;
  let holdMs = 0;
  let inFlight = 0;
  let peakInFlight = 0;
  const SECRET = 'test-client-secret';

  beforeAll(async () => {
    hook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      inFlight++;
      peakInFlight = Math.max(peakInFlight, inFlight);
      res.on('finish', () => inFlight--);
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        if (holdMs) await new Promise((r) => setTimeout(r, holdMs));
        const raw = Buffer.concat(chunks).toString('utf8');
        received.push({ raw, signature: req.headers['x-hub-signature'] as string | undefined, body: JSON.parse(raw) as Json });
        if (failNext > 0) {
          failNext--;
          res.writeHead(503).end();
        } else res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    emu = await start({
      webhookUrl: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`,
      clientSecret: SECRET,
      appId: 'app123',
      webhookRetryBaseMs: 30,
    });
  });
  afterAll(async () => {
    await emu.close();
    await new Promise((r) => hook.close(r));
  });

  it('delivers signed notification_events for user and operator actions', async () => {
    const api = client(emu);
    const c = (await api('POST', '/contacts', { external_id: 'wh-1' })).body;
    const id = (await api('POST', '/conversations', { from: { type: 'user', id: c.id }, body: 'hello' })).body.conversation_id;
    await api('POST', `/conversations/${id}/reply`, { message_type: 'comment', type: 'user', intercom_user_id: c.id, body: 'again' });
    await emu.operator.reply(id, 'answer');
    await emu.operator.note(id, 'note');
    await emu.operator.snooze(id, Math.floor(Date.now() / 1000) + 60);
    await emu.operator.open(id);
    await emu.operator.close(id);
    await emu.operator.open(id);
    await emu.operator.tag(id, 'vip');
    const t = await emu.operator.createTicket(c.id, 'Customer', 'T');
    await emu.operator.replyTicket(t.id as string, 'hi');
    await emu.operator.setTicketState(t.id as string, 'in_progress');
    await emu.control.webhooksIdle();

    // Intercom does not promise ordering, and deliveries run concurrently: compare as sets.
    expect(received.map((r) => r.body.topic).sort()).toEqual(
      [
        'conversation.user.created',
        'conversation.user.replied',
        'conversation.admin.replied',
        'conversation.admin.noted',
        'conversation.admin.snoozed',
        'conversation.admin.unsnoozed',
        'conversation.admin.closed',
        'conversation.admin.opened',
        'conversation_part.tag.created',
        'ticket.created',
        'ticket.admin.replied',
        'ticket.state.updated',
      ].sort(),
    );
    const byTopic = (topic: string) => received.find((r) => r.body.topic === topic)!.body;
    for (const r of received) {
      // independent HMAC-SHA1 over the exact raw bytes
      expect(r.signature).toBe('sha1=' + createHmac('sha1', SECRET).update(Buffer.from(r.raw, 'utf8')).digest('hex'));
      expect(r.body).toMatchObject({
        type: 'notification_event',
        app_id: 'app123',
        id: expect.stringMatching(/^notif_/),
        delivery_attempts: 1,
        data: { type: 'notification_event_data' },
      });
      expect(Number.isInteger(r.body.created_at) && r.body.first_sent_at === r.body.created_at).toBe(true);
    }
    expect(new Set(received.map((r) => r.body.id)).size).toBe(received.length);
    const replied = byTopic('conversation.admin.replied').data.item;
    expect(replied).toMatchObject({ type: 'conversation', id, state: 'open' });
    expect(replied.conversation_parts.conversation_parts.at(-1)).toMatchObject({ part_type: 'comment', body: '<p>answer</p>' });
    expect(byTopic('ticket.state.updated').data.item).toMatchObject({
      type: 'ticket',
      id: t.id,
      ticket_state: { category: 'in_progress' },
    });
    expect(emu.control.webhooks().deliveries.every((d) => d.delivered)).toBe(true);
  });

  it('delivers a burst through at most 16 concurrent requests, all of them', async () => {
    received.length = 0;
    emu.control.clearWebhooks();
    holdMs = 50;
    peakInFlight = 0;
    try {
      const api = client(emu);
      const c = (await api('POST', '/contacts', { external_id: 'wh-burst' })).body;
      await Promise.all(
        Array.from({ length: 40 }, (_, i) => api('POST', '/conversations', { from: { type: 'user', id: c.id }, body: `burst ${i}` })),
      );
      await emu.control.webhooksIdle();
    } finally {
      holdMs = 0;
    }
    expect(received.filter((r) => r.body.topic === 'conversation.user.created')).toHaveLength(40);
    expect(peakInFlight).toBeGreaterThan(1);
    expect(peakInFlight).toBeLessThanOrEqual(16);
  });

  it('redelivers after a non-2xx with backoff and without blocking the API call', async () => {
    received.length = 0;
    emu.control.clearWebhooks();
    failNext = 2;
    const api = client(emu);
    const c = (await api('POST', '/contacts', { external_id: 'wh-2' })).body;
    const t0 = Date.now();
    await api('POST', '/conversations', { from: { type: 'user', id: c.id }, body: 'retry me' });
    expect(Date.now() - t0).toBeLessThan(200);
    await emu.control.webhooksIdle();
    expect(received.map((r) => [r.body.topic, r.body.delivery_attempts])).toEqual([
      ['conversation.user.created', 1],
      ['conversation.user.created', 2],
      ['conversation.user.created', 3],
    ]);
    expect(new Set(received.map((r) => r.body.id)).size).toBe(1);
    const d = emu.control.webhooks().deliveries;
    expect(d.map((x) => [x.attempt, x.status, x.delivered])).toEqual([
      [1, 503, false],
      [2, 503, false],
      [3, 200, true],
    ]);
    expect(d[2].at - d[1].at).toBeGreaterThanOrEqual(55); // 30 ms base, doubled
  });
});

describe('fault injection and request log', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await start();
  });
  afterAll(async () => {
    await emu.close();
  });
  beforeEach(() => emu.control.reset());

  it('fails the next N matching calls with 500, then recovers', async () => {
    const api = client(emu);
    emu.control.addFault({ method: 'GET', path: '/admins', status: 500, count: 2 });
    expect((await api('GET', '/admins')).status).toBe(500);
    const second = await api('GET', '/admins');
    expect(second.status).toBe(500);
    expect(second.body).toMatchObject({ type: 'error.list', errors: [{ code: 'server_error' }] });
    expect((await api('GET', '/admins')).status).toBe(200);
    expect((await api('GET', '/tags')).status).toBe(200);
  });

  it('answers 429 with X-RateLimit-* headers and no Retry-After (over HTTP control API, regex match)', async () => {
    const res = await fetch(`${emu.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'POST', pathRegex: '^/conversations/\\d+/reply$', status: 429, retryAfterSeconds: 7 }),
    });
    expect(res.status).toBe(201);
    const r = await client(emu)('POST', '/conversations/123/reply', { message_type: 'note', type: 'admin', admin_id: '1', body: 'x' });
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBeNull();
    expect(r.headers.get('x-ratelimit-limit')).toBe('10000');
    expect(r.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(r.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000 + 5);
    expect(r.body.errors[0].code).toBe('rate_limit_exceeded');
    await fetch(`${emu.url}/_emulator/faults`, { method: 'DELETE' });
    expect(emu.control.faults()).toEqual([]);
  });

  it('adds latency', async () => {
    emu.control.addFault({ path: '/admins', latencyMs: 300 });
    const t0 = Date.now();
    const r = await client(emu)('GET', '/admins');
    expect(r.status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  });

  it('hangs until the fault is cleared, and lets a client give up', async () => {
    const f = emu.control.addFault({ path: '/tags', hang: true });
    const api = client(emu);
    const pending = api('GET', '/tags');
    let done = false;
    void pending.then(() => (done = true));
    await new Promise((r) => setTimeout(r, 200));
    expect(done).toBe(false);
    expect(emu.control.hangingRequests()).toBe(1);
    emu.control.clearFaults(f.id);
    expect((await pending).status).toBe(200);

    emu.control.addFault({ path: '/tags', hang: true });
    await expect(fetch(`${emu.url}/tags`, { headers: { authorization: 'Bearer x' }, signal: AbortSignal.timeout(150) })).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 50));
    expect(emu.control.hangingRequests()).toBe(0);
  });

  it('counts calls per method and path template, resettable over HTTP', async () => {
    const api = client(emu);
    await api('GET', '/conversations/1');
    await api('GET', '/conversations/2');
    await api('GET', '/admins');
    expect(emu.control.count('GET', '/conversations/{conversation_id}')).toBe(2);
    expect(emu.control.count('GET', '/conversations/2')).toBe(1);
    const http = (await (await fetch(`${emu.url}/_emulator/requests`)).json()) as { counts: Record<string, number>; requests: Json[] };
    expect(http.counts).toEqual({ 'GET /conversations/{conversation_id}': 2, 'GET /admins': 1 });
    expect(http.requests[0]).toMatchObject({ method: 'GET', path: '/conversations/1', status: 404, operationId: 'retrieveConversation' });
    await fetch(`${emu.url}/_emulator/requests`, { method: 'DELETE' });
    expect(emu.control.requests()).toEqual([]);
  });

  it('resets state over HTTP', async () => {
    const api = client(emu);
    await api('POST', '/contacts', { external_id: 'r-1' });
    expect((await fetch(`${emu.url}/_emulator/reset`, { method: 'POST' })).status).toBe(204);
    expect((await api('GET', '/contacts/find_by_external_id/r-1')).status).toBe(404);
    expect((await api('POST', '/contacts', { external_id: 'r-1' })).status).toBe(200);
  });
});
