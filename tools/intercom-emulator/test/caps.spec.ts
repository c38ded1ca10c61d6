import { BOT_ADMIN_ID, type RunningEmulator } from '../src';
import { client, start, type Json } from './helpers';

// Search pages hold at most 150 (starting_after for the next); a conversation shows its 500 most
// recent parts ("Hard limit of 500 parts"), internal ones included.
let emu: RunningEmulator;
beforeAll(async () => {
  emu = await start();
});
afterAll(() => emu.close());

it('pages conversation search 150 at a time, in creation order', async () => {
  const api = client(emu);
  const contact = (await api('POST', '/contacts', { role: 'user', external_id: 'caps-1' })).body;
  const ids: string[] = [];
  for (let index = 0; index < 160; index += 1) {
    ids.push((await api('POST', '/conversations', { from: { type: 'user', id: contact.id }, body: `n${index}` })).body.conversation_id);
  }
  // Activity on the oldest does not move it forward: the order is not by update.
  await emu.operator.reply(ids[0], 'still here');
  const query = { field: 'contact_ids', operator: '=', value: contact.id };
  const first = (await api('POST', '/conversations/search', { query, pagination: { per_page: 500 } })).body;
  expect(first.conversations).toHaveLength(150);
  expect(first.pages).toMatchObject({ per_page: 150, total_pages: 2, next: { starting_after: expect.any(String) } });
  const second = (
    await api('POST', '/conversations/search', { query, pagination: { per_page: 150, starting_after: first.pages.next.starting_after } })
  ).body;
  expect([...first.conversations, ...second.conversations].map((conversation: Json) => conversation.id)).toEqual(ids);
  expect(second.pages.next).toBeUndefined();
});

it('returns the 500 most recent parts of a long conversation, notes included', async () => {
  const api = client(emu);
  const contact = (await api('POST', '/contacts', { role: 'user', external_id: 'caps-2' })).body;
  const id = (await api('POST', '/conversations', { from: { type: 'user', id: contact.id }, body: 'long one' })).body.conversation_id;
  for (let index = 0; index < 501; index += 1) {
    await api('POST', `/conversations/${id}/reply`, { message_type: 'note', type: 'admin', admin_id: BOT_ADMIN_ID, body: `note ${index}` });
  }
  const conversation = (await api('GET', `/conversations/${id}`)).body;
  const parts = conversation.conversation_parts.conversation_parts as Json[];
  expect(parts).toHaveLength(500);
  expect(conversation.conversation_parts.total_count).toBe(501);
  expect(parts[0].body).toBe('<p>note 1</p>');
  expect(parts[499].body).toBe('<p>note 500</p>');
}, 60_000);
