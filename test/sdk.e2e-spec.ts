import { createSecretKey } from 'node:crypto';
import { SignJWT } from 'jose';
import { type LiveStatus, type SupportEvent, SupportApiError, createSupportClient } from '../packages/sdk/src';
import { DroppableProxy } from './helpers/droppable-proxy';
import { webhooksProcessed } from './helpers/events';
import { png } from './helpers/file-samples';
import { type TestStack, startTestStack } from './helpers/stack';
import { signedInitData } from './helpers/telegram-init-data';
import { waitFor } from './helpers/wait';

// The SDK against the real stack: BFF + Postgres + the Intercom emulator over HTTP.
describe('@support-bff/sdk against the dev stack (e2e)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ POLL_FRESHNESS_MS: '0' });
    // Signed file links must point at the port the app really listens on.
    stack.app.config.publicBaseUrl = stack.app.url;
  });
  afterAll(() => stack.close());

  const telegramClient = (telegramUserId: number, options: { maxRetries?: number } = {}) =>
    createSupportClient({
      serverUrl: stack.app.url,
      signIn: async () => ({
        telegramInitData: signedInitData(stack.app.config.telegram.botToken, { id: telegramUserId, first_name: 'Tess' }),
      }),
      retryBaseDelayMs: 20,
      ...options,
    });

  it('signs in with Telegram init data on the first call', async () => {
    const client = telegramClient(7001);
    await expect(client.conversations.list()).resolves.toEqual([]);
    expect(client.session()).toMatchObject({ userId: 'tg:7001', token: expect.any(String) });
  });

  it("signs in with the host app's token", async () => {
    const hostToken = await new SignJWT({ name: 'Hana Host' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject('host-sdk-user')
      .setIssuer(stack.app.config.hostJwt.issuer)
      .setAudience(stack.app.config.hostJwt.audience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(createSecretKey(Buffer.from(stack.app.config.hostJwt.secret!)));
    const client = createSupportClient({ serverUrl: stack.app.url, signIn: async () => ({ hostToken }) });
    await expect(client.tickets.list()).resolves.toEqual([]);
    expect(client.session()?.userId).toBe('host-sdk-user');
  });

  it('sends with an attachment and receives the operator reply live, without reloading', async () => {
    const client = telegramClient(7002);
    const progress: number[] = [];
    const [file] = await client.files.upload([new File([png(8, 8)], 'screen.png')], { onProgress: ({ loaded }) => progress.push(loaded) });
    expect(file).toMatchObject({ name: 'screen.png', contentType: 'image/png' });
    expect(progress.at(-1)).toBeGreaterThan(png(8, 8).length);

    const conversation = await client.conversations.create({ body: 'My card was declined', attachmentIds: [file.id] });
    // Intercom fetched the upload through its signed link; the thread shows it as the user's attachment.
    const thread = await client.conversations.get(conversation.id);
    const attachments = thread.messages.flatMap((message) => message.attachments);
    expect(attachments).toEqual([expect.objectContaining({ name: 'screen.png', contentType: 'image/png' })]);

    const events: SupportEvent[] = [];
    const live = client.live((event) => events.push(event), { pollIntervalMs: 100 });
    live.watch(conversation.id, conversation.messages.at(-1)?.createdAt ?? 0);
    try {
      await waitFor(() => (live.status === 'streaming' ? true : undefined));
      await stack.emulator.operator.reply(conversation.id, 'We are looking into it');
      const reply = await waitFor(() =>
        events.find((event) => event.type === 'message.created' && event.data.message.body === 'We are looking into it'),
      );
      expect(reply.data).toMatchObject({ conversationId: conversation.id, message: { author: { type: 'admin' } } });
      // Through the stream (its events carry the log's id; the poll fallback's have none).
      expect(reply.id).toMatch(/^\d+$/);
      expect(live.status).toBe('streaming');

      // The badge: one unread operator message until the user reads the thread.
      await waitFor(async () => ((await client.unread()).total === 1 ? true : undefined));
      expect(await client.unread()).toEqual({ total: 1, conversations: [{ id: conversation.id, unreadCount: 1 }] });
      await client.conversations.markRead(conversation.id);
      expect(await client.unread()).toEqual({ total: 0, conversations: [] });
    } finally {
      live.close();
    }
  });

  it('resumes the stream after a dropped connection with nothing lost: the missed events, in order, once', async () => {
    const proxy = await DroppableProxy.start(stack.app.url);
    const sent: { method: string; path: string; lastEventId: string | null }[] = [];
    const client = createSupportClient({
      serverUrl: proxy.url,
      signIn: async () => ({ telegramInitData: signedInitData(stack.app.config.telegram.botToken, { id: 7006, first_name: 'Rhea' }) }),
      retryBaseDelayMs: 20,
      fetch: (input, init) => {
        const url = new URL(input instanceof Request ? input.url : String(input));
        const headers = new Headers(init?.headers);
        sent.push({ method: init?.method ?? 'GET', path: url.pathname, lastEventId: headers.get('last-event-id') });
        return fetch(input, init);
      },
    });
    const conversation = await client.conversations.create({ body: 'Are you still there?' });
    const events: SupportEvent[] = [];
    const statuses: LiveStatus[] = [];
    // Watched, so a poll fallback would deliver the replies too: that it never ran is asserted below.
    const live = client.live((event) => events.push(event), { onStatus: (status) => statuses.push(status), pollIntervalMs: 100 });
    live.watch(conversation.id, conversation.updatedAt);
    const operatorMessages = (from = 0) =>
      events.slice(from).flatMap((event) => (event.type === 'message.created' && event.data.message.author.type !== 'user' ? [event] : []));
    try {
      await waitFor(() => (live.status === 'streaming' ? true : undefined));
      await stack.emulator.operator.reply(conversation.id, 'Live before the drop');
      const [live1] = await waitFor(() => (operatorMessages().length === 1 ? operatorMessages() : undefined));
      expect(live1).toMatchObject({ id: expect.stringMatching(/^\d+$/), data: { message: { body: 'Live before the drop' } } });

      proxy.drop();
      await waitFor(() => (live.status === 'connecting' ? true : undefined));
      const lastSeen = live.lastEventId;
      expect(lastSeen).not.toBeNull();
      const seen = events.length;
      const missed = ['Missed 1', 'Missed 2', 'Missed 3', 'Missed 4', 'Missed 5'];
      for (const body of missed) await stack.emulator.operator.reply(conversation.id, body);
      await webhooksProcessed(stack);
      proxy.restore();
      // A reply after the resume drains the stream: anything of the missed ones (again) would come before it.
      await stack.emulator.operator.reply(conversation.id, 'After the resume');
      await waitFor(() => operatorMessages(seen).find((event) => event.data.message.body === 'After the resume'));

      const resumed = operatorMessages(seen);
      expect(resumed.map((event) => event.data.message.body)).toEqual([...missed, 'After the resume']);
      const ids = events.slice(seen).map((event) => Number(event.id));
      expect(ids.every((id, index) => Number.isInteger(id) && id > (index === 0 ? Number(lastSeen) : ids[index - 1]))).toBe(true);
      // Over the stream: it reconnected with the last id it had, and never fell back to polling.
      const streams = sent.filter((request) => request.path === '/api/events');
      expect(streams.map((request) => request.lastEventId)).toEqual([null, lastSeen]);
      expect(sent.filter((request) => request.path.endsWith('/poll'))).toEqual([]);
      expect(statuses).not.toContain('polling');
    } finally {
      live.close();
      await proxy.close();
    }
  });

  it("answers an operator's quick reply with one of its options", async () => {
    const client = telegramClient(7005);
    const conversation = await client.conversations.create({ body: 'Is my card blocked?' });
    await stack.emulator.operator.quickReply(conversation.id, [
      { text: 'Yes', uuid: 'b1f1a4de-8c2e-4f7a-9d0b-5f4a2c1e9a01' },
      { text: 'No', uuid: 'b1f1a4de-8c2e-4f7a-9d0b-5f4a2c1e9a02' },
    ]);
    const offered = (await client.conversations.get(conversation.id)).messages.find((message) => message.quickReplyOptions);
    expect(offered?.quickReplyOptions?.map((option) => option.text)).toEqual(['Yes', 'No']);
    const answer = await client.conversations.answerQuickReply(conversation.id, {
      messageId: offered!.id,
      uuid: offered!.quickReplyOptions![1].uuid,
    });
    expect(answer).toMatchObject({ body: 'No', author: { type: 'user' }, quickReplyUuid: offered!.quickReplyOptions![1].uuid });
    expect((await client.conversations.get(conversation.id)).messages.at(-1)).toEqual(answer);
  });

  it('retries a send through a 502 with the same clientMessageId, creating it once', async () => {
    const client = telegramClient(7003);
    await client.conversations.list();
    stack.emulator.control.addFault({ method: 'POST', path: '/conversations', status: 500, count: 1 });
    const created = await client.conversations.create({ body: 'Through a hiccup' });
    expect(created.messages.map((message) => message.body)).toEqual(['Through a hiccup']);
    const conversations = await client.conversations.list();
    expect(conversations.filter((entry) => entry.id === created.id)).toHaveLength(1);
    expect(conversations).toHaveLength(1);
  });

  it('reports an outage as a typed 502 once its retries are spent', async () => {
    const client = telegramClient(7004, { maxRetries: 1 });
    await client.conversations.list();
    const fault = stack.emulator.control.addFault({ method: 'GET', pathRegex: '^/conversations/\\d+$', status: 500 });
    try {
      const error = await client.conversations.get('1234').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SupportApiError);
      expect(error).toMatchObject({ status: 502, code: 'service_unavailable', requestId: expect.any(String) });
    } finally {
      stack.emulator.control.clearFaults(fault.id);
    }
  });
});

describe('@support-bff/sdk and rate limits (e2e)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ RATE_LIMIT_PER_MIN: '2' });
  });
  afterAll(() => stack.close());

  it('reports a 429 with retryAfter when the wait is longer than it will wait out', async () => {
    const client = createSupportClient({
      serverUrl: stack.app.url,
      signIn: async () => ({ telegramInitData: signedInitData(stack.app.config.telegram.botToken, { id: 7100, first_name: 'Rae' }) }),
      maxRetryAfterSeconds: 0,
    });
    await client.settings.notifications();
    await client.settings.notifications();
    const error = await client.settings.notifications().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 429, code: 'rate_limited', retryAfter: expect.any(Number) });
    expect((error as SupportApiError).retryAfter).toBeGreaterThan(0);
  });
});
