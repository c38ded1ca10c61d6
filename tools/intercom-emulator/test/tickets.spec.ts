import { BOT_ADMIN_ID, OPERATOR_ADMIN_ID, type RunningEmulator } from '../src';
import { client, start, type Json } from './helpers';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await start({ ticketPrefix: 'AW-' });
});
afterAll(async () => {
  await emu.close();
});

describe('tickets', () => {
  it('lists ticket types (Customer, Back-office, Tracker) and the four state categories', async () => {
    const api = client(emu);
    const types = (await api('GET', '/ticket_types')).body;
    expect(types.type).toBe('list');
    expect(types.data.map((t: Json) => t.category)).toEqual(['Customer', 'Back-office', 'Tracker']);
    const states = (await api('GET', '/ticket_states')).body;
    expect(states.data.map((s: Json) => s.category)).toEqual(['submitted', 'in_progress', 'waiting_on_customer', 'resolved']);
    expect(states.data[2]).toMatchObject({
      type: 'ticket_state',
      internal_label: 'Waiting on customer',
      external_label: 'Awaiting your reply',
    });
  });

  it('creates, changes state (recorded as ticket_state_updated_by_admin parts), replies, searches', async () => {
    const api = client(emu);
    const c = (await api('POST', '/contacts', { external_id: 'tk-1' })).body;
    const other = (await api('POST', '/contacts', { external_id: 'tk-2' })).body;
    const t1 = (
      await api('POST', '/tickets', {
        ticket_type_id: '1',
        contacts: [{ external_id: 'tk-1' }],
        ticket_attributes: { _default_title_: 'Refund', _default_description_: 'Please refund' },
      })
    ).body;
    const t2 = await emu.operator.createTicket(c.id, 'Customer', 'Second');
    await emu.operator.createTicket(other.id, 'Customer', 'Not mine');
    expect(t1).toMatchObject({
      type: 'ticket',
      id: expect.stringMatching(/^\d+$/),
      ticket_id: 'AW-1',
      category: 'Customer',
      open: true,
      ticket_attributes: { _default_title_: 'Refund', _default_description_: 'Please refund' },
      ticket_state: { category: 'submitted', external_label: 'Submitted' },
      contacts: { type: 'contact.list', contacts: [{ type: 'contact', id: c.id, external_id: 'tk-1' }] },
    });
    expect(t2.ticket_id).toBe('AW-2');

    await emu.operator.setTicketState(t1.id, 'in_progress');
    const updated = await emu.operator.setTicketState(t1.id, 'resolved');
    expect(updated).toMatchObject({ ticket_state: { category: 'resolved' } });
    const reply = (
      await api('POST', `/tickets/${t1.id}/reply`, { message_type: 'comment', type: 'user', intercom_user_id: c.id, body: 'Still broken' })
    ).body;
    expect(reply).toMatchObject({
      type: 'ticket_part',
      part_type: 'comment',
      body: '<p>Still broken</p>',
      author: { type: 'user', id: c.id },
    });
    await emu.operator.replyTicket(t1.id, 'Reopening');
    await emu.operator.noteTicket(t1.id, 'internal');

    const got = (await api('GET', `/tickets/${t1.id}`)).body;
    const parts = got.ticket_parts.ticket_parts as Json[];
    expect(parts.map((p) => [p.part_type, p.previous_ticket_state ?? null, p.ticket_state ?? null, p.author.type])).toEqual([
      ['ticket_state_updated_by_admin', 'submitted', 'submitted', 'bot'],
      ['ticket_state_updated_by_admin', 'submitted', 'in_progress', 'admin'],
      ['ticket_state_updated_by_admin', 'in_progress', 'resolved', 'admin'],
      ['comment', null, null, 'user'],
      ['comment', null, null, 'admin'],
      ['note', null, null, 'admin'],
    ]);
    expect(parts[1].author.id).toBe(OPERATOR_ADMIN_ID);

    const closed = await emu.operator.setTicketOpen(t1.id, false);
    expect(closed.open).toBe(false);

    const found = (await api('POST', '/tickets/search', { query: { field: 'contact_ids', operator: '=', value: c.id } })).body;
    expect(found).toMatchObject({ type: 'ticket.list', total_count: 2 });
    expect(found.tickets.map((t: Json) => t.ticket_id).sort()).toEqual(['AW-1', 'AW-2']);
    expect(emu.control.violations()).toEqual([]);
  });

  it('rejects user replies on back-office tickets as Intercom does, accepts admin ones', async () => {
    const api = client(emu);
    const c = (await api('POST', '/contacts', { external_id: 'tk-bo' })).body;
    const bo = (
      await api('POST', '/tickets', { ticket_type_id: '2', contacts: [{ id: c.id }], ticket_attributes: { _default_title_: 'Check' } })
    ).body;
    expect(bo.category).toBe('Back-office');
    const r = await api('POST', `/tickets/${bo.id}/reply`, { message_type: 'comment', type: 'user', intercom_user_id: c.id, body: 'hi' });
    expect(r.status).toBe(400);
    expect(r.body.errors[0]).toEqual({ code: 'parameter_mismatch', message: 'User replies are not allowed on Backoffice tickets' });
    const a = await api('POST', `/tickets/${bo.id}/reply`, { message_type: 'note', type: 'admin', admin_id: BOT_ADMIN_ID, body: 'ok' });
    expect(a.status).toBe(200);
    expect((await api('PUT', `/tickets/${bo.id}`, { ticket_state_id: 'nope' })).status).toBe(400);
    expect(
      (await api('POST', '/tickets/424242/reply', { message_type: 'note', type: 'admin', admin_id: BOT_ADMIN_ID, body: 'x' })).status,
    ).toBe(404);
    expect(emu.control.violations()).toEqual([]);
  });

  it('uses a configurable reference prefix', async () => {
    const other = await start({ ticketPrefix: 'SUP-' });
    try {
      const api = client(other);
      const c = (await api('POST', '/contacts', { external_id: 'x' })).body;
      const t = (await api('POST', '/tickets', { ticket_type_id: '1', contacts: [{ id: c.id }] })).body;
      expect(t.ticket_id).toBe('SUP-1');
    } finally {
      await other.close();
    }
  });
});
