import { createSupportClient } from './client.js';
import type { LiveStatus, VisibilitySource } from './live.js';
import { ScriptedFetch, envelope, jsonResponse, session } from './test-fetch.js';
import type { SupportEvent } from './types.js';

const message = (id: string) => ({
  id,
  body: id,
  html: null,
  author: { type: 'admin', name: 'Ann', avatarUrl: null },
  createdAt: 1,
  attachments: [],
  clientMessageId: null,
});

// An SSE response whose body the test writes to, then ends.
function sseResponse() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  const encoder = new TextEncoder();
  return {
    response: new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } }),
    write: (text: string) => controller.enqueue(encoder.encode(text)),
    end: () => controller.close(),
  };
}

class FakeVisibility implements VisibilitySource {
  visibilityState = 'visible';
  private listeners = new Set<() => void>();
  addEventListener(_type: 'visibilitychange', listener: () => void) {
    this.listeners.add(listener);
  }
  removeEventListener(_type: 'visibilitychange', listener: () => void) {
    this.listeners.delete(listener);
  }
  set(state: 'visible' | 'hidden') {
    this.visibilityState = state;
    for (const listener of this.listeners) listener();
  }
}

async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 2000 && !condition(); turn++) await new Promise((resolve) => setTimeout(resolve, 2));
  expect(condition()).toBe(true);
}

function setup(scripted: ScriptedFetch) {
  scripted.on('POST', '/auth/telegram', session('t'));
  return createSupportClient({
    serverUrl: 'https://s.example.com',
    signIn: async () => ({ telegramInitData: 'x' }),
    fetch: scripted.fetch,
  });
}

describe('client.live', () => {
  it('delivers stream events, then reconnects with Last-Event-ID after the stream ends', async () => {
    const first = sseResponse();
    const second = sseResponse();
    const scripted = new ScriptedFetch().on(
      'GET',
      '/api/events',
      () => first.response,
      () => second.response,
    );
    const events: SupportEvent[] = [];
    const statuses: LiveStatus[] = [];
    const live = setup(scripted).live((event) => events.push(event), {
      lastEventId: '3',
      onStatus: (status) => statuses.push(status),
      visibility: new FakeVisibility(),
    });
    await until(() => scripted.to('/api/events').length === 1);
    first.write(
      'retry: 10\n\nid: 4\nevent: message.created\ndata: {"conversationId":"c1","message":' + JSON.stringify(message('m1')) + '}\n\n',
    );
    first.write('id: 5\nevent: some.future.type\ndata: {}\n\n');
    await until(() => live.lastEventId === '5');
    first.end();
    await until(() => scripted.to('/api/events').length === 2);
    second.write('id: 6\nevent: unread.changed\ndata: {"total":1,"conversationId":"c1","unreadCount":1}\n\n');
    await until(() => events.length === 2);
    live.close();
    second.end();
    expect(scripted.to('/api/events').map((request) => request.headers['last-event-id'])).toEqual(['3', '5']);
    expect(scripted.to('/api/events')[0].headers.authorization).toBe('Bearer t');
    expect(events).toEqual([
      { type: 'message.created', id: '4', data: { conversationId: 'c1', message: message('m1') } },
      { type: 'unread.changed', id: '6', data: { total: 1, conversationId: 'c1', unreadCount: 1 } },
    ]);
    expect(statuses).toEqual(['streaming', 'connecting', 'streaming', 'closed']);
  });

  it('falls back to polling the watched conversation and unread counts when there is no stream', async () => {
    const scripted = new ScriptedFetch()
      .on('GET', '/api/events', () => envelope(404, 'not_found'))
      .on(
        'GET',
        '/api/conversations/c1/poll',
        () => jsonResponse(200, { messages: [message('old')], latestTimestamp: 10, state: 'open', snoozedUntil: null, rated: false }),
        () => jsonResponse(200, { messages: [message('new')], latestTimestamp: 20, state: 'closed', snoozedUntil: null, rated: false }),
        () => jsonResponse(200, { messages: [], latestTimestamp: 20, state: 'closed', snoozedUntil: null, rated: false }),
      )
      .on(
        'GET',
        '/api/unread',
        () => jsonResponse(200, { total: 0, conversations: [] }),
        () => jsonResponse(200, { total: 2, conversations: [{ id: 'c1', unreadCount: 2 }] }),
      );
    const events: SupportEvent[] = [];
    const live = setup(scripted).live((event) => events.push(event), { pollIntervalMs: 5, visibility: new FakeVisibility() });
    live.watch('c1');
    await until(() => events.length >= 3);
    live.close();
    expect(live.status).toBe('closed');
    expect(events).toEqual([
      { type: 'message.created', id: null, data: { conversationId: 'c1', message: message('new') } },
      { type: 'conversation.updated', id: null, data: { conversationId: 'c1', state: 'closed', snoozedUntil: null, rated: false } },
      { type: 'unread.changed', id: null, data: { total: 2, conversationId: 'c1', unreadCount: 2 } },
    ]);
    expect(scripted.to('/api/conversations/c1/poll?since=0')).toHaveLength(1);
    expect(scripted.to('/api/conversations/c1/poll?since=10')).toHaveLength(1);
  });

  it('closes the stream while the page is hidden and resumes from the last id when visible', async () => {
    const first = sseResponse();
    const second = sseResponse();
    const scripted = new ScriptedFetch().on(
      'GET',
      '/api/events',
      () => first.response,
      () => second.response,
    );
    const visibility = new FakeVisibility();
    const statuses: LiveStatus[] = [];
    const live = setup(scripted).live(() => undefined, { visibility, onStatus: (status) => statuses.push(status) });
    await until(() => scripted.to('/api/events').length === 1);
    first.write('id: 9\nevent: reset\ndata: {}\n\n');
    await until(() => live.lastEventId === '9');
    visibility.set('hidden');
    await until(() => live.status === 'paused');
    visibility.set('visible');
    await until(() => scripted.to('/api/events').length === 2);
    expect(scripted.to('/api/events')[1].headers['last-event-id']).toBe('9');
    live.close();
    second.end();
    expect(statuses).toEqual(['streaming', 'paused', 'connecting', 'closed']);
  });

  it('treats a silent connection (no heartbeat) as dead and reconnects', async () => {
    const first = sseResponse();
    const second = sseResponse();
    const scripted = new ScriptedFetch().on(
      'GET',
      '/api/events',
      () => first.response,
      () => second.response,
    );
    const live = setup(scripted).live(() => undefined, { idleTimeoutMs: 30, visibility: new FakeVisibility() });
    await until(() => scripted.to('/api/events').length === 1);
    first.write('retry: 5\nid: 1\nevent: reset\ndata: {}\n\n');
    await until(() => scripted.to('/api/events').length === 2);
    live.close();
    second.end();
    expect(scripted.to('/api/events')[1].headers['last-event-id']).toBe('1');
  });
});
