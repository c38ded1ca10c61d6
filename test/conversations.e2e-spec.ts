import { ConversationSnapshotsService } from '../src/conversations/conversation-snapshots.service';
import { IntercomService } from '../src/intercom/intercom.service';
import { startTestApp, type TestApp } from './helpers/app';
import { bearer, sessionTokenFor } from './helpers/sessions';
import { callJson } from './helpers/http';
import { startTestStack, type TestStack } from './helpers/stack';
import { waitFor } from './helpers/wait';

type Json = Record<string, any>;

describe('Conversations (e2e against the Intercom emulator)', () => {
  let stack: TestStack;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    stack = await startTestStack({ POLL_FRESHNESS_MS: '150', RATE_LIMIT_PER_MIN: '10000', RATE_LIMIT_POLL_PER_MIN: '10000' });
    alice = await sessionTokenFor(stack.app, 'alice');
    bob = await sessionTokenFor(stack.app, 'bob');
  });
  afterAll(() => stack.close());
  afterEach(() => stack.emulator.control.clearFaults());

  const api = (token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    callJson(`${stack.app.url}/api/conversations${path}`, method, token, body, headers);
  const afterFreshness = () => new Promise((resolve) => setTimeout(resolve, 200));
  const contactOf = (userId: string) =>
    stack.app.app.get(IntercomService).contactIdFor({ userId, telegramChatId: null, name: null, email: null });
  const create = async (token: string, body: Json) => {
    const response = await api(token, 'POST', '', body);
    expect(response.status).toBe(201);
    return response.body;
  };

  it('creates a conversation from the user’s message and shows it back', async () => {
    const conversation = await create(alice, { body: 'My card was declined', clientMessageId: 'create-1' });
    expect(conversation).toMatchObject({
      state: 'open',
      snoozedUntil: null,
      rated: false,
      rating: null,
      unreadCount: 0,
      title: 'My card was declined',
    });
    expect(conversation.messages).toEqual([
      expect.objectContaining({
        body: 'My card was declined',
        author: expect.objectContaining({ type: 'user' }),
        attachments: [],
        clientMessageId: null,
      }),
    ]);
    expect(conversation.createdAt).toBeGreaterThan(Date.now() - 60_000);
  });

  it('answers a create without body and reason with a validation error naming them', async () => {
    const response = await api(alice, 'POST', '', { meta: { platform: 'ios' } });
    expect(response).toMatchObject({ status: 400, body: { error: 'validation_error', message: 'body or reason is required' } });
    const badSince = await api(alice, 'GET', '/1/poll?since=-5');
    expect(badSince).toMatchObject({ status: 400, body: { error: 'validation_error', message: expect.stringContaining('since') } });
    for (const since of ['1.5', 'abc', '1e3', '12345678901234567', '1&since=2']) {
      const bad = await api(alice, 'GET', `/1/poll?since=${since}`);
      expect(bad).toMatchObject({ status: 400, body: { error: 'validation_error', message: expect.stringContaining('since') } });
    }
    const blank = await api(alice, 'POST', '', { body: '   ' });
    expect(blank).toMatchObject({ status: 400, body: { error: 'validation_error', message: expect.stringContaining('body') } });
  });

  it('opens a conversation from a topic alone: internal note and tag, no user message shown', async () => {
    const conversation = await create(alice, { reason: { main: 'payments', sub: 'refund' } });
    expect(conversation.messages).toEqual([]);
    expect(conversation.title).toBe('payments › refund');
    const inIntercom = await stack.emulator.operator.call<Json>('GET', `/conversations/${conversation.id}`);
    expect(inIntercom.tags.tags.map((tag: Json) => tag.name)).toContain('topic:payments');
    const parts = inIntercom.conversation_parts.conversation_parts as Json[];
    expect(parts.some((part) => part.part_type === 'note' && String(part.body).includes('payments › refund'))).toBe(true);
  });

  // Each reason.main becomes a workspace-wide Intercom tag: without CONVERSATION_TOPICS, a short
  // plain-text label only (#15 item 10c).
  it.each([
    ['markup', '<b>VIP</b>'],
    ['a quote', 'say "hi"'],
    ['a bidi override', 'pay\u202ements'],
    ['a zero-width space', 'pay\u200bments'],
    ['a control character', 'pay\u0007ments'],
    ['a line break', 'pay\nments'],
    ['a leading space', ' payments'],
    ['an emoji', 'payments 💸'],
    ['101 characters', 'a'.repeat(101)],
  ])('refuses a reason.main with %s (400 naming reason.main), and opens nothing in Intercom', async (_what, main) => {
    stack.emulator.control.resetRequests();
    const response = await api(alice, 'POST', '', { reason: { main } });
    expect(response).toMatchObject({ status: 400, body: { error: 'validation_error', message: expect.stringContaining('reason.main') } });
    expect(stack.emulator.control.count('POST', '/conversations')).toBe(0);
  });

  it('takes a plain-text label in any script with basic punctuation as reason.main', async () => {
    for (const main of ['Card declined (twice)', 'Платежи: возврат', 'カード', "Refund - it's late!"]) {
      const conversation = await create(alice, { reason: { main } });
      const inIntercom = await stack.emulator.operator.call<Json>('GET', `/conversations/${conversation.id}`);
      expect(inIntercom.tags.tags.map((tag: Json) => tag.name)).toContain(`topic:${main}`);
    }
  });

  describe('with CONVERSATION_TOPICS', () => {
    let listed: TestApp;
    beforeAll(async () => {
      listed = await startTestApp({
        DATABASE_URL: stack.app.config.database.url,
        INTERCOM_BASE_URL: stack.emulator.url,
        CONVERSATION_TOPICS: 'payments, cards,Card limits',
      });
    });
    afterAll(() => listed.close());

    it('takes only a listed topic as reason.main, and the OpenAPI document lists them as its enum', async () => {
      const token = await sessionTokenFor(listed, 'alice');
      const post = (main: string) => callJson(`${listed.url}/api/conversations`, 'POST', token, { reason: { main } });
      expect((await post('Card limits')).status).toBe(201);
      for (const main of ['refunds', 'Payments', 'card']) {
        expect(await post(main)).toMatchObject({
          status: 400,
          body: { error: 'validation_error', message: 'reason.main must be one of: payments, cards, Card limits' },
        });
      }
      // The shape's own rules still come first.
      expect((await post('<b>payments</b>')).body.message).toContain('plain-text label');
      const document = (await (await fetch(`${listed.url}/docs/json`)).json()) as Json;
      const main = document.components.schemas.ConversationReasonDto.properties.main;
      expect(main).toMatchObject({ enum: ['payments', 'cards', 'Card limits'], pattern: expect.any(String), maxLength: 100 });
      expect(main).not.toHaveProperty('x-enum-from');
      const unlisted = (await (await fetch(`${stack.app.url}/docs/json`)).json()) as Json;
      expect(unlisted.components.schemas.ConversationReasonDto.properties.main).not.toHaveProperty('enum');
    });
  });

  it('keeps a created conversation when a later step fails, so a retry never opens a second one', async () => {
    // The topic note and tag (POST /conversations/{id}/…) fail; the conversation itself is created.
    stack.emulator.control.addFault({ method: 'POST', path: '/conversations/', status: 500 });
    stack.emulator.control.resetRequests();
    const first = await api(alice, 'POST', '', { reason: { main: 'cards' }, clientMessageId: 'create-with-failing-note' });
    stack.emulator.control.clearFaults();
    const retry = await api(alice, 'POST', '', { reason: { main: 'cards' }, clientMessageId: 'create-with-failing-note' });
    expect(first.status).toBe(201);
    expect(retry).toEqual({ status: 201, body: expect.objectContaining({ id: first.body.id, messages: [] }) });
    expect(stack.emulator.control.count('POST', '/conversations')).toBe(1);
  });

  it('enriches the contact with allow-listed meta and the client IP', async () => {
    await create(alice, {
      body: 'meta please',
      meta: { appVersion: '5.2.1', platform: 'android', secret: 'nope', locale: 'x'.repeat(500) },
    });
    const contact = stack.emulator.state.contacts.get(await contactOf('alice'))!;
    expect(contact.custom_attributes).toMatchObject({ app_version: '5.2.1', app_platform: 'android', last_client_ip: '127.0.0.1' });
    expect(contact.custom_attributes.app_locale).toHaveLength(200);
    expect(JSON.stringify(contact.custom_attributes)).not.toContain('nope');
  });

  it('takes the client IP from X-Forwarded-For only behind a configured trusted proxy', async () => {
    await api(alice, 'POST', '', { body: 'spoofed ip?' }, { 'x-forwarded-for': '203.0.113.9' });
    const contactId = await contactOf('alice');
    expect(stack.emulator.state.contacts.get(contactId)!.custom_attributes.last_client_ip).toBe('127.0.0.1');
    const behindProxy = await startTestApp({
      DATABASE_URL: stack.app.config.database.url,
      INTERCOM_BASE_URL: stack.emulator.url,
      TRUSTED_PROXY: '127.0.0.1',
    });
    try {
      const response = await fetch(`${behindProxy.url}/api/conversations`, {
        method: 'POST',
        headers: {
          ...bearer(await sessionTokenFor(behindProxy, 'alice')),
          'content-type': 'application/json',
          'x-forwarded-for': '203.0.113.9',
        },
        body: JSON.stringify({ body: 'via the proxy' }),
      });
      expect(response.status).toBe(201);
      expect(stack.emulator.state.contacts.get(contactId)!.custom_attributes.last_client_ip).toBe('203.0.113.9');
    } finally {
      await behindProxy.close();
    }
  });

  // Each case opens its own conversation: none depends on another's order or leftovers.
  describe('with an operator answering in Intercom', () => {
    const conversation = async (body = 'Hello?'): Promise<string> => (await create(alice, { body })).id as string;

    it('shows an admin reply in the next poll with since, and never a note', async () => {
      const conversationId = await conversation();
      const first = await api(alice, 'GET', `/${conversationId}/poll?since=0`);
      expect(first.status).toBe(200);
      const since = first.body.latestTimestamp as number;
      expect(since).toBe(first.body.messages.at(-1).createdAt);
      await stack.emulator.operator.note(conversationId, 'internal: customer is VIP');
      await stack.emulator.operator.reply(conversationId, '<p>Hi! <script>alert(1)</script><b>We are on it</b></p>');
      await afterFreshness();
      const next = await api(alice, 'GET', `/${conversationId}/poll?since=${since}`);
      expect(next.body.messages).toHaveLength(1);
      expect(next.body.messages[0]).toMatchObject({
        body: 'Hi! We are on it',
        html: '<p>Hi! <b>We are on it</b></p>',
        author: { type: 'admin' },
      });
      expect(next.body.latestTimestamp).toBe(next.body.messages[0].createdAt);
      expect(JSON.stringify(next.body)).not.toContain('VIP');
      const raw = await fetch(`${stack.app.url}/api/conversations/${conversationId}/poll?since=${since}`, { headers: bearer(alice) });
      expect(raw.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(await raw.json()).toEqual(next.body);
      const again = await api(alice, 'GET', `/${conversationId}/poll?since=${next.body.latestTimestamp}`);
      expect(again.body).toMatchObject({
        messages: [],
        latestTimestamp: next.body.latestTimestamp,
        state: 'open',
        snoozedUntil: null,
        rated: false,
      });
    });

    it('counts unread operator messages until the user reads them', async () => {
      // A user of its own, so the list holds only this case's conversations.
      const reader = await sessionTokenFor(stack.app, 'unread-reader');
      const conversationId = (await create(reader, { body: 'First question' })).id as string;
      const newer = (await create(reader, { body: 'Second question' })).id as string;
      // Intercom's updated_at has whole seconds: the reply lands in a later one than both creates.
      const createdSecond = Math.floor(Date.now() / 1000);
      await waitFor(() => (Math.floor(Date.now() / 1000) > createdSecond ? true : undefined));
      await stack.emulator.operator.reply(conversationId, 'We are looking into it');
      await afterFreshness();
      const list = await api(reader, 'GET', '');
      const summary = list.body.conversations.find((conversation: Json) => conversation.id === conversationId);
      expect(summary).toMatchObject({
        unreadCount: 1,
        lastMessage: expect.objectContaining({ author: expect.objectContaining({ type: 'admin' }) }),
      });
      // Most recent activity first: the replied-to conversation before the newer, quiet one.
      expect(list.body.conversations.map((conversation: Json) => conversation.id)).toEqual([conversationId, newer]);
      expect((await api(reader, 'POST', `/${conversationId}/read`)).status).toBe(204);
      expect((await api(reader, 'GET', `/${conversationId}`)).body.unreadCount).toBe(0);
    });

    it('shows snooze with snoozedUntil in ms, then reopen', async () => {
      const conversationId = await conversation();
      const until = Math.floor(Date.now() / 1000) + 3600;
      await stack.emulator.operator.snooze(conversationId, until);
      await afterFreshness();
      expect((await api(alice, 'GET', `/${conversationId}/poll`)).body).toMatchObject({ state: 'snoozed', snoozedUntil: until * 1000 });
      await stack.emulator.operator.open(conversationId);
      await afterFreshness();
      expect((await api(alice, 'GET', `/${conversationId}/poll`)).body).toMatchObject({ state: 'open', snoozedUntil: null });
    });

    it('shows an operator close and the CSAT tag as rated', async () => {
      const conversationId = await conversation();
      await stack.emulator.operator.close(conversationId);
      await stack.emulator.operator.tag(conversationId, 'csat-rated');
      await afterFreshness();
      expect((await api(alice, 'GET', `/${conversationId}/poll`)).body).toMatchObject({ state: 'closed', rated: true });
    });

    it('reopens a closed conversation when the user replies', async () => {
      const conversationId = await conversation();
      await stack.emulator.operator.close(conversationId);
      await afterFreshness();
      expect((await api(alice, 'GET', `/${conversationId}/poll`)).body.state).toBe('closed');
      const reply = await api(alice, 'POST', `/${conversationId}/reply`, { body: 'One more thing', clientMessageId: 'r-1' });
      expect(reply.status).toBe(201);
      expect(reply.body).toMatchObject({ body: 'One more thing', author: { type: 'user' }, clientMessageId: 'r-1' });
      const poll = await api(alice, 'GET', `/${conversationId}/poll?since=${reply.body.createdAt - 1}`);
      expect(poll.body.state).toBe('open');
      expect(poll.body.messages).toEqual([expect.objectContaining({ id: reply.body.id, clientMessageId: 'r-1' })]);
    });

    it('closes on the user’s request, acting as the configured admin', async () => {
      const conversationId = await conversation();
      const closed = await api(alice, 'POST', `/${conversationId}/close`);
      expect(closed).toMatchObject({ status: 200, body: { state: 'closed', csatPrompt: true } });
      expect((await api(alice, 'GET', `/${conversationId}/poll`)).body.state).toBe('closed');
      const inIntercom = await stack.emulator.operator.call<Json>('GET', `/conversations/${conversationId}`);
      const closePart = (inIntercom.conversation_parts.conversation_parts as Json[]).findLast((part) => part.part_type === 'close');
      expect(closePart?.author.id).toBe(stack.app.config.intercom.adminId);
    });

    it('answers 404 on every route for another user’s conversation, exactly as for a missing one', async () => {
      const conversationId = await conversation();
      const routes: [string, string, Json?][] = [
        ['GET', `/${conversationId}`],
        ['GET', `/${conversationId}/poll`],
        ['POST', `/${conversationId}/read`],
        ['POST', `/${conversationId}/close`],
        ['POST', `/${conversationId}/reply`, { body: 'hijack' }],
      ];
      for (const [method, path, body] of routes) {
        const foreign = await api(bob, method, path, body);
        const missing = await api(bob, method, path.replace(conversationId, '987654321'), body);
        expect(foreign.status).toBe(404);
        expect({ ...foreign.body, requestId: 'x' }).toEqual({ ...missing.body, requestId: 'x' });
      }
      expect((await api(bob, 'GET', '/..%2F..%2Fadmins')).status).toBe(404);
      for (const id of ['..%2F..%2Fadmins', '12a', '1'.repeat(25)]) expect((await api(bob, 'GET', `/${id}/poll`)).status).toBe(404);
      expect((await api(bob, 'GET', '')).body.conversations.map((conversation: Json) => conversation.id)).not.toContain(conversationId);
    });
  });

  it('sends the user’s text as text: markup is shown back literally, never interpreted', async () => {
    const typed = 'Is 1 < 2 & <b>bold</b>?\nSecond line';
    const conversation = await create(alice, { body: typed });
    expect(conversation.messages[0].body).toBe(typed);
    const reply = await api(alice, 'POST', `/${conversation.id}/reply`, { body: '<script>alert(1)</script>' });
    expect(reply.body).toMatchObject({ body: '<script>alert(1)</script>', html: '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>' });
  });

  it('turns a repeated clientMessageId into one Intercom part, sequential and concurrent', async () => {
    const { id } = await create(alice, { body: 'idempotency' });
    stack.emulator.control.resetRequests();
    const first = await api(alice, 'POST', `/${id}/reply`, { body: 'once', clientMessageId: 'dup-1' });
    const second = await api(alice, 'POST', `/${id}/reply`, { body: 'once', clientMessageId: 'dup-1' });
    expect(second).toEqual(first);
    const racing = await Promise.all(
      Array.from({ length: 5 }, () => api(alice, 'POST', `/${id}/reply`, { body: 'race', clientMessageId: 'dup-2' })),
    );
    expect(new Set(racing.map((response) => response.body.id)).size).toBe(1);
    expect(racing.every((response) => response.status === 201)).toBe(true);
    expect(stack.emulator.control.count('POST', '/conversations/{conversation_id}/reply')).toBe(2);
    const created = await Promise.all(
      Array.from({ length: 3 }, () => api(alice, 'POST', '', { body: 'new one', clientMessageId: 'dup-create' })),
    );
    expect(new Set(created.map((response) => response.body.id)).size).toBe(1);
  });

  it('shows the user’s own CSAT rating on the conversation', async () => {
    const { id } = await create(alice, { body: 'rate me' });
    const rated = await fetch(`${stack.app.url}/api/csat`, {
      method: 'POST',
      headers: { ...bearer(alice), 'content-type': 'application/json' },
      body: JSON.stringify({ stars: 4, comment: 'Quick answer', conversationId: id }),
    });
    expect(rated.status).toBe(201);
    const detail = await api(alice, 'GET', `/${id}`);
    expect(detail.body).toMatchObject({ rated: true, rating: { stars: 4, comment: 'Quick answer', createdAt: expect.any(Number) } });
    const summary = (await api(alice, 'GET', '')).body.conversations.find((conversation: Json) => conversation.id === id);
    expect(summary.rated).toBe(true);
  });

  it('answers 502 service_unavailable when Intercom is down, without leaking its body', async () => {
    const { id } = await create(alice, { body: 'down?' });
    await afterFreshness();
    stack.emulator.control.addFault({ method: 'GET', path: '/conversations/', status: 500, body: { secret: 'intercom-internal-detail' } });
    const response = await api(alice, 'GET', `/${id}/poll`);
    expect(response).toMatchObject({ status: 502, body: { error: 'service_unavailable', message: 'Intercom is unavailable' } });
    expect(JSON.stringify(response.body)).not.toContain('intercom-internal-detail');
  });

  describe('the poll snapshot', () => {
    let slow: TestApp;
    beforeAll(async () => {
      // A second instance on the same database with a long freshness window.
      slow = await startTestApp({
        DATABASE_URL: stack.app.config.database.url,
        INTERCOM_BASE_URL: stack.emulator.url,
        POLL_FRESHNESS_MS: '60000',
        RATE_LIMIT_POLL_PER_MIN: '10000',
      });
    });
    afterAll(() => slow.close());
    // No webhooks here: processing them invalidates snapshots too, and these tests count Intercom
    // calls and exercise the LISTEN/NOTIFY bus on its own.
    beforeEach(() => stack.emulator.control.setWebhookUrl(undefined));
    afterEach(() => stack.emulator.control.setWebhookUrl(`${stack.app.url}/webhooks/intercom`));

    const pollSlow = async (id: string, since = 0) => {
      const response = await fetch(`${slow.url}/api/conversations/${id}/poll?since=${since}`, {
        headers: bearer(await sessionTokenFor(slow, 'alice')),
      });
      return (await response.json()) as Json;
    };

    it('costs at most one Intercom call for 100 polls of an idle conversation', async () => {
      const { id } = await create(alice, { body: 'idle' });
      stack.emulator.control.resetRequests();
      await Promise.all(Array.from({ length: 50 }, () => pollSlow(id)));
      for (let index = 0; index < 50; index += 1) await pollSlow(id);
      expect(stack.emulator.control.count('GET', '/conversations/{conversation_id}')).toBe(1);
    });

    it('drops a snapshot on another instance when one instance invalidates it (LISTEN/NOTIFY)', async () => {
      const { id } = await create(alice, { body: 'two instances' });
      expect((await pollSlow(id)).messages).toHaveLength(1);
      await stack.emulator.operator.reply(id, 'operator answer');
      expect((await pollSlow(id)).messages).toHaveLength(1); // still inside its window
      await stack.app.app.get(ConversationSnapshotsService).invalidate(id);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await pollSlow(id)).messages.map((message: Json) => message.body)).toEqual(['two instances', 'operator answer']);
    });
  });

  it('sends Intercom only requests that conform to its OpenAPI description', () => {
    expect(stack.requestViolations()).toEqual([]);
  });
});
