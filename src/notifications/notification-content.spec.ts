import type { IntercomConversation, IntercomTicket } from '../intercom/intercom.service';
import { conversationTrigger, ticketTrigger } from './notification-content';

const BOT = '991267001';
const part = (id: string, part_type: string, author: { type: string; id: string; name?: string }, body: string | null = null) => ({
  id,
  part_type,
  body,
  created_at: 1_700_000_000,
  author,
});
const conversation = (parts: unknown[]): IntercomConversation =>
  ({ type: 'conversation', id: '55', title: null, conversation_parts: { conversation_parts: parts } }) as unknown as IntercomConversation;

describe(conversationTrigger.name, () => {
  const operator = { type: 'admin', id: '7', name: 'Anna' };

  it('is about the newest operator part of the kind the topic names', () => {
    const trigger = conversationTrigger(
      'conversation.admin.replied',
      conversation([
        part('1', 'comment', operator, '<p>old</p>'),
        part('2', 'note', operator, 'internal'),
        part('3', 'comment', operator, '<p>new</p>'),
      ]),
      BOT,
      120,
    );
    expect(trigger).toEqual({
      kind: 'conversation_reply',
      sourceKey: 'conversation:55:part:3',
      partId: '3',
      target: { conversationId: '55' },
      setting: 'chatMessages',
      values: { author: 'Anna', preview: 'new', title: undefined },
    });
  });

  it('pushes a quick reply, previewed by its question or else by its options', () => {
    const quickReply = (id: string, body: string | null) => ({
      ...part(id, 'quick_reply', operator, body),
      metadata: {
        quick_reply_options: [
          { text: 'Yes', uuid: 'u1' },
          { text: 'No', uuid: 'u2' },
        ],
      },
    });
    const push = (body: string | null) =>
      conversationTrigger('conversation.admin.replied', conversation([quickReply('4', body)]), BOT, 120);
    expect(push('<p>Solved?</p>')).toMatchObject({ partId: '4', values: { preview: 'Solved?' } });
    expect(push(null)).toMatchObject({ partId: '4', values: { preview: 'Yes · No' } });
  });

  it('pushes nothing for what the BFF did in Intercom on the user’s behalf (their close)', () => {
    expect(
      conversationTrigger('conversation.admin.closed', conversation([part('9', 'close', { type: 'bot', id: BOT })]), BOT, 120),
    ).toBeUndefined();
    expect(conversationTrigger('conversation.admin.closed', conversation([part('9', 'close', operator)]), BOT, 120)?.kind).toBe(
      'conversation_closed',
    );
  });

  it('pushes nothing for topics outside the list (notes, reopens, assignments, user replies)', () => {
    const parts = [part('1', 'comment', operator, 'x')];
    for (const topic of [
      'conversation.admin.noted',
      'conversation.admin.opened',
      'conversation.admin.assigned',
      'conversation.user.replied',
    ]) {
      expect(conversationTrigger(topic, conversation(parts), BOT, 120)).toBeUndefined();
    }
  });
});

describe(ticketTrigger.name, () => {
  const ticket = (parts: unknown[], updatedAt = 1_700_000_100): IntercomTicket =>
    ({
      type: 'ticket',
      id: '77',
      ticket_id: 'AW-7',
      updated_at: updatedAt,
      ticket_state: { id: 's3', category: 'resolved', external_label: 'Resolved' },
      ticket_parts: { ticket_parts: parts },
    }) as unknown as IntercomTicket;

  it('keys a state change by its part, or by state and time when the part is missing', () => {
    const withPart = ticketTrigger(
      'ticket.state.updated',
      ticket([part('p8', 'ticket_state_updated_by_admin', { type: 'admin', id: '7' })]),
      BOT,
      120,
    );
    expect(withPart).toMatchObject({
      kind: 'ticket_state',
      sourceKey: 'ticket:77:part:p8',
      values: { reference: 'AW-7', state: 'Resolved' },
    });
    expect(ticketTrigger('ticket.state.updated', ticket([]), BOT, 120)?.sourceKey).toBe('ticket:77:state:s3:1700000100');
  });

  it('pushes nothing for the reopen the BFF made after the user’s reply', () => {
    expect(
      ticketTrigger('ticket.state.updated', ticket([part('p9', 'ticket_state_updated_by_admin', { type: 'admin', id: BOT })]), BOT, 120),
    ).toBeUndefined();
  });
});
