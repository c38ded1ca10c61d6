import type { IntercomConversation } from '../intercom/intercom.service';
import { buildSnapshot, fromStored, isNotOlder, mergeSnapshot } from './conversation-snapshot';

const part = (id: string, createdAt: number, overrides: Record<string, unknown> = {}) => ({
  id,
  part_type: 'comment',
  body: `<p>${id}</p>`,
  created_at: createdAt,
  author: { type: 'admin', id: '1', name: 'Olga' },
  ...overrides,
});

const conversation = (parts: ReturnType<typeof part>[], overrides: Record<string, unknown> = {}) =>
  ({
    id: '42',
    created_at: 1000,
    updated_at: 1010,
    state: 'open',
    source: { id: 'src', type: 'conversation', body: '<p>help</p>', author: { type: 'user', id: 'c1', name: 'Ann' } },
    contacts: { contacts: [{ id: 'c1' }] },
    tags: { tags: [{ name: 'csat-rated' }] },
    conversation_parts: { conversation_parts: parts },
    ...overrides,
  }) as unknown as IntercomConversation;

const context = { clientMessageIds: new Map([['p1', 'client-1']]), hideSource: false };

describe('conversation snapshot', () => {
  it('keeps customer-visible messages in order with the source first, in ms', () => {
    const snapshot = buildSnapshot(conversation([part('p1', 1001), part('n1', 1002, { part_type: 'note' })]), context, 5);
    expect(snapshot.messages.map((message) => [message.id, message.createdAt, fromStored(message).clientMessageId])).toEqual([
      ['src', 1_000_000, null],
      ['p1', 1_001_000, 'client-1'],
    ]);
    expect(snapshot).toMatchObject({
      id: '42',
      state: 'open',
      snoozedUntil: null,
      tags: ['csat-rated'],
      createdAt: 1_000_000,
      fetchedAt: 5,
    });
    expect(snapshot.contactIds.has('c1')).toBe(true);
  });

  it('spaces messages that share a second so createdAt strictly increases', () => {
    const snapshot = buildSnapshot(conversation([part('a', 1000), part('b', 1000), part('c', 1001)]), context);
    expect(snapshot.messages.map((message) => message.createdAt)).toEqual([1_000_000, 1_000_001, 1_000_002, 1_001_000]);
  });

  it('hides a topic placeholder source', () => {
    const snapshot = buildSnapshot(conversation([]), { ...context, hideSource: true, topicTitle: 'payments' });
    expect(snapshot.messages).toEqual([]);
    expect(snapshot.title).toBe('payments');
  });

  it('reports snoozedUntil in ms only while snoozed', () => {
    expect(buildSnapshot(conversation([], { state: 'snoozed', snoozed_until: 2000 }), context).snoozedUntil).toBe(2_000_000);
    expect(buildSnapshot(conversation([], { state: 'open', snoozed_until: 2000 }), context).snoozedUntil).toBeNull();
  });

  it('merges a webhook conversation carrying only its newest part, a later part of a shared second after the earlier', () => {
    const previous = buildSnapshot(conversation([part('a', 1000)]), context);
    const next = buildSnapshot(conversation([part('b', 1000)], { state: 'closed' }), context);
    const merged = mergeSnapshot(previous, next);
    expect(merged.messages.map((message) => [message.id, message.createdAt])).toEqual([
      ['src', 1_000_000],
      ['a', 1_000_001],
      ['b', 1_000_002],
    ]);
    expect(merged.state).toBe('closed');
  });

  it('tells a stale webhook conversation from a newer one', () => {
    const current = buildSnapshot(conversation([], { updated_at: 2000, state: 'closed' }), context);
    expect(isNotOlder(buildSnapshot(conversation([], { updated_at: 1999, state: 'open' }), context), current)).toBe(false);
    expect(isNotOlder(buildSnapshot(conversation([], { updated_at: 2000, state: 'open' }), context), current)).toBe(false);
    expect(isNotOlder(buildSnapshot(conversation([], { updated_at: 2000, state: 'closed' }), context), current)).toBe(true);
    expect(isNotOlder(buildSnapshot(conversation([], { updated_at: 2001, state: 'open' }), context), current)).toBe(true);
  });
});
