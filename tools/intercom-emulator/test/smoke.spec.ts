import { BOT_ADMIN_ID, type RunningEmulator } from '../src';
import { client, start } from './helpers';

let emu: RunningEmulator;
beforeAll(async () => { emu = await start(); });
afterAll(async () => { await emu.close(); });

it('smoke', async () => {
  const api = client(emu);
  const c = await api('POST', '/contacts', { external_id: 'u1', name: 'Ann', email: 'ann@example.com' });
  expect(c.status).toBe(200);
  const m = await api('POST', '/conversations', { from: { type: 'user', id: c.body.id }, body: 'Hello' });
  expect(m.status).toBe(200);
  const id = m.body.conversation_id;
  await api('POST', `/conversations/${id}/reply`, { message_type: 'comment', type: 'user', intercom_user_id: c.body.id, body: 'more' });
  await api('POST', `/conversations/${id}/reply`, { message_type: 'comment', type: 'admin', admin_id: BOT_ADMIN_ID, body: 'hi' });
  await api('POST', `/conversations/${id}/parts`, { message_type: 'close', type: 'admin', admin_id: BOT_ADMIN_ID });
  const g = await api('GET', `/conversations/${id}`);
  expect(g.body.conversation_parts.total_count).toBe(3);
  await api('GET', '/admins');
  await api('GET', '/ticket_types');
  await api('GET', '/ticket_states');
  const t = await api('POST', '/tickets', { ticket_type_id: '1', contacts: [{ id: c.body.id }], ticket_attributes: { _default_title_: 'x' } });
  expect(t.body.ticket_id).toBe('AW-1');
  await api('PUT', `/tickets/${t.body.id}`, { ticket_state_id: '2' });
  await api('POST', '/tickets/search', { query: { field: 'contact_ids', operator: '=', value: c.body.id } });
  await api('POST', '/conversations/search', { query: { field: 'contact_ids', operator: '=', value: c.body.id } });
  await api('POST', '/contacts/search', { query: { field: 'external_id', operator: '=', value: 'u1' } });
  await api('GET', '/tickets/999');
  console.log(JSON.stringify(emu.control.violations(), null, 1).slice(0, 6000));
});
