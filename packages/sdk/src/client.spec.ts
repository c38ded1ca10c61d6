import { createSupportClient } from './client.js';
import { SupportApiError } from './errors.js';
import type { SignInCredentials } from './session.js';
import { ScriptedFetch, envelope, jsonResponse, session } from './test-fetch.js';

const SERVER = 'https://support.example.com';
const conversation = { id: 'c1', title: 'Hi', state: 'open', messages: [] };

function clientWith(
  scripted: ScriptedFetch,
  signIn = jest.fn(async (): Promise<SignInCredentials> => ({ telegramInitData: 'init-data' })),
) {
  const client = createSupportClient({ serverUrl: `${SERVER}/`, signIn, fetch: scripted.fetch, retryBaseDelayMs: 1, maxRetryDelayMs: 5 });
  return { client, signIn };
}

describe('createSupportClient', () => {
  afterEach(() => jest.useRealTimers());

  describe('sessions', () => {
    it('signs in once for concurrent first calls, with Telegram init data', async () => {
      const scripted = new ScriptedFetch()
        .on('POST', '/auth/telegram', session('t1'))
        .on('GET', '/api/conversations', () => jsonResponse(200, { conversations: [] }));
      const { client, signIn } = clientWith(scripted);
      await Promise.all([client.conversations.list(), client.conversations.list(), client.tickets.list().catch(() => null)]);
      expect(signIn).toHaveBeenCalledTimes(1);
      expect(scripted.to('/auth/telegram')).toEqual([expect.objectContaining({ body: { initData: 'init-data' } })]);
      expect(scripted.to('/api/conversations').map((request) => request.headers.authorization)).toEqual(['Bearer t1', 'Bearer t1']);
      expect(client.session()).toMatchObject({ token: 't1', userId: 'tg:1' });
    });

    it('exchanges a host token at /auth/exchange', async () => {
      const scripted = new ScriptedFetch()
        .on('POST', '/auth/exchange', session('t1'))
        .on('GET', '/api/unread', () => jsonResponse(200, { total: 0, conversations: [] }));
      const { client } = clientWith(
        scripted,
        jest.fn(async () => ({ hostToken: 'host-jwt' })),
      );
      await expect(client.unread()).resolves.toEqual({ total: 0, conversations: [] });
      expect(scripted.to('/auth/exchange')[0].body).toEqual({ token: 'host-jwt' });
    });

    it('signs in again after a 401 and repeats the request once', async () => {
      const scripted = new ScriptedFetch().on('POST', '/auth/telegram', session('old'), session('new')).on(
        'GET',
        '/api/conversations/c1',
        () => envelope(401, 'unauthorized'),
        () => jsonResponse(200, conversation),
      );
      const { client, signIn } = clientWith(scripted);
      await expect(client.conversations.get('c1')).resolves.toEqual(conversation);
      expect(signIn).toHaveBeenCalledTimes(2);
      expect(scripted.to('/api/conversations/c1').map((request) => request.headers.authorization)).toEqual(['Bearer old', 'Bearer new']);
    });

    it('reports a second 401 instead of looping', async () => {
      const scripted = new ScriptedFetch()
        .on('POST', '/auth/telegram', session('t'))
        .on('GET', '/api/conversations/c1', () => envelope(401, 'unauthorized'));
      const { client } = clientWith(scripted);
      await expect(client.conversations.get('c1')).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
      expect(scripted.to('/api/conversations/c1')).toHaveLength(2);
    });

    it('renews a session that is about to expire before using it', async () => {
      const scripted = new ScriptedFetch()
        .on('POST', '/auth/telegram', session('short', 10_000), session('fresh'))
        .on('GET', '/api/tickets', () => jsonResponse(200, { tickets: [] }));
      const { client, signIn } = clientWith(scripted);
      await client.tickets.list();
      await client.tickets.list();
      expect(signIn).toHaveBeenCalledTimes(2);
      expect(scripted.to('/api/tickets').map((request) => request.headers.authorization)).toEqual(['Bearer short', 'Bearer fresh']);
    });

    it('reports a refused sign-in as a typed error', async () => {
      const scripted = new ScriptedFetch().on('POST', '/auth/telegram', () => envelope(401, 'unauthorized'));
      const { client } = clientWith(scripted);
      const error = await client.conversations.list().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SupportApiError);
      expect(error).toMatchObject({ status: 401, code: 'unauthorized', requestId: 'req-401', retryAfter: null });
    });
  });

  describe('retries', () => {
    it('retries a send after a network error and a 502 with the same generated clientMessageId', async () => {
      const scripted = new ScriptedFetch().on('POST', '/auth/telegram', session('t')).on(
        'POST',
        '/api/conversations',
        () => Promise.reject(new TypeError('fetch failed')),
        () => envelope(502, 'service_unavailable'),
        () => jsonResponse(201, conversation),
      );
      const { client } = clientWith(scripted);
      await expect(client.conversations.create({ body: 'Hello' })).resolves.toEqual(conversation);
      const ids = scripted.to('/api/conversations').map((request) => (request.body as { clientMessageId: string }).clientMessageId);
      expect(ids).toHaveLength(3);
      expect(new Set(ids).size).toBe(1);
      expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
    });

    it("keeps the app's own clientMessageId", async () => {
      const scripted = new ScriptedFetch()
        .on('POST', '/auth/telegram', session('t'))
        .on('POST', '/api/conversations/c1/reply', () => jsonResponse(201, { id: 'm1' }));
      const { client } = clientWith(scripted);
      await client.conversations.reply('c1', { body: 'x', clientMessageId: 'mine-1' });
      expect(scripted.to('/api/conversations/c1/reply')[0].body).toEqual({ body: 'x', clientMessageId: 'mine-1' });
    });

    it('waits out Retry-After on a 429 before retrying', async () => {
      jest.useFakeTimers({ doNotFake: ['queueMicrotask'] });
      const scripted = new ScriptedFetch().on('POST', '/auth/telegram', session('t')).on(
        'POST',
        '/api/conversations/c1/reply',
        () => envelope(429, 'rate_limited', { 'retry-after': '2' }),
        () => jsonResponse(201, { id: 'm1' }),
      );
      const { client } = clientWith(scripted);
      const reply = client.conversations.reply('c1', { body: 'x' });
      await jest.advanceTimersByTimeAsync(1900);
      expect(scripted.to('/api/conversations/c1/reply')).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(200);
      await expect(reply).resolves.toEqual({ id: 'm1' });
      expect(scripted.to('/api/conversations/c1/reply')).toHaveLength(2);
    });

    it('reports a 429 whose Retry-After is longer than it will wait, with retryAfter', async () => {
      const scripted = new ScriptedFetch()
        .on('POST', '/auth/telegram', session('t'))
        .on('GET', '/api/tickets', () => envelope(429, 'rate_limited', { 'retry-after': '120' }));
      const { client } = clientWith(scripted);
      await expect(client.tickets.list()).rejects.toMatchObject({ status: 429, code: 'rate_limited', retryAfter: 120 });
      expect(scripted.to('/api/tickets')).toHaveLength(1);
    });

    it('gives up after maxRetries and reports the last error', async () => {
      const scripted = new ScriptedFetch()
        .on('POST', '/auth/telegram', session('t'))
        .on('GET', '/api/tickets', () => envelope(502, 'service_unavailable'));
      const { client } = clientWith(scripted);
      await expect(client.tickets.list()).rejects.toMatchObject({ status: 502, code: 'service_unavailable', requestId: 'req-502' });
      expect(scripted.to('/api/tickets')).toHaveLength(5);
    });

    it('does not retry what is not safe to repeat (close) nor client errors', async () => {
      const scripted = new ScriptedFetch()
        .on('POST', '/auth/telegram', session('t'))
        .on('POST', '/api/conversations/c1/close', () => envelope(502, 'service_unavailable'))
        .on('POST', '/api/conversations', () => envelope(400, 'validation_error'));
      const { client } = clientWith(scripted);
      await expect(client.conversations.close('c1')).rejects.toMatchObject({ status: 502 });
      await expect(client.conversations.create({})).rejects.toMatchObject({ status: 400, code: 'validation_error' });
      expect(scripted.requests.filter((request) => request.path !== '/auth/telegram')).toHaveLength(2);
    });

    it('reports a body that is not the envelope by its status', async () => {
      const scripted = new ScriptedFetch()
        .on('POST', '/auth/telegram', session('t'))
        .on(
          'POST',
          '/api/conversations/c1/close',
          () => new Response('<html>bad gateway</html>', { status: 504, headers: { 'x-request-id': 'edge-1' } }),
        );
      const { client } = clientWith(scripted);
      await expect(client.conversations.close('c1')).rejects.toMatchObject({ status: 504, code: 'http_504', requestId: 'edge-1' });
    });
  });

  it('encodes path segments and query values', async () => {
    const scripted = new ScriptedFetch()
      .on('POST', '/auth/telegram', session('t'))
      .on('GET', '/api/tickets/search', () => jsonResponse(200, { tickets: [] }))
      .on('GET', '/api/conversations/a%2Fb/poll', () => jsonResponse(200, { messages: [], latestTimestamp: 5 }));
    const { client } = clientWith(scripted);
    await client.tickets.search('AW 1&x');
    await client.conversations.poll('a/b', 5);
    expect(scripted.requests.map((request) => request.path).slice(1)).toEqual([
      '/api/tickets/search?q=AW+1%26x',
      '/api/conversations/a%2Fb/poll?since=5',
    ]);
  });

  it('uploads with progress through fetch where there is no XMLHttpRequest', async () => {
    const scripted = new ScriptedFetch().on('POST', '/auth/telegram', session('t')).on('POST', '/api/files/upload', async (request) => {
      const text = await new Response(request.body as ReadableStream).text();
      expect(request.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
      expect(text).toContain('name="file"; filename="a.txt"');
      return jsonResponse(201, { files: [{ id: 'f1', name: 'a.txt', contentType: 'text/plain', size: 200000 }] });
    });
    const { client } = clientWith(scripted);
    const progress: number[] = [];
    const file = new File(['x'.repeat(200_000)], 'a.txt', { type: 'text/plain' });
    const files = await client.files.upload([file], { onProgress: ({ loaded, total }) => progress.push(loaded / total) });
    expect(files).toEqual([expect.objectContaining({ id: 'f1' })]);
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.at(-1)).toBe(1);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
  });
});
