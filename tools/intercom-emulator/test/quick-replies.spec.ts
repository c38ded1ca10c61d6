import { OPERATOR_ADMIN_ID, type RunningEmulator } from '../src';
import { client, start } from './helpers';

// replyConversation's admin_quick_reply_reply and contact_quick_reply_reply examples: an admin's
// quick_reply part carries its options in metadata.quick_reply_options; the customer's pick becomes
// a comment part with metadata.quick_reply_uuid.
let emu: RunningEmulator;
beforeAll(async () => {
  emu = await start();
});
afterAll(() => emu.close());

it('offers quick reply options and records the option a customer picks as their comment', async () => {
  const api = client(emu);
  const contact = (await api('POST', '/contacts', { role: 'user', external_id: 'qr-1' })).body;
  const id = (await api('POST', '/conversations', { from: { type: 'user', id: contact.id }, body: 'Card lost' })).body.conversation_id;
  const options = [
    { text: 'Yes', uuid: 'a5e1c524-5ddd-4c3e-9328-6bca5d6e3edb' },
    { text: 'No', uuid: 'f4a98af1-be56-4948-a57e-e1a83f8484c6' },
  ];
  const offered = await api('POST', `/conversations/${id}/reply`, {
    message_type: 'quick_reply',
    type: 'admin',
    admin_id: OPERATOR_ADMIN_ID,
    reply_options: options,
  });
  expect(offered.status).toBe(200);
  expect(offered.body.conversation_parts.conversation_parts[0]).toMatchObject({
    part_type: 'quick_reply',
    body: null,
    metadata: { quick_reply_options: options },
  });
  const picked = await api('POST', `/conversations/${id}/reply`, {
    message_type: 'quick_reply',
    type: 'user',
    intercom_user_id: contact.id,
    reply_options: [options[0]],
  });
  expect(picked.body.conversation_parts.conversation_parts[1]).toMatchObject({
    part_type: 'comment',
    body: '<p>Yes</p>',
    author: { type: 'user', id: contact.id },
    metadata: { quick_reply_uuid: options[0].uuid },
  });
  const unknown = await api('POST', `/conversations/${id}/reply`, {
    message_type: 'quick_reply',
    type: 'user',
    intercom_user_id: contact.id,
    reply_options: [{ text: 'Maybe', uuid: '00000000-0000-4000-8000-000000000000' }],
  });
  expect(unknown.status).toBe(400);
  expect(
    (await api('POST', `/conversations/${id}/reply`, { message_type: 'quick_reply', type: 'admin', admin_id: OPERATOR_ADMIN_ID })).status,
  ).toBe(400);
  // The customer's pick is shaped like the description's own example (spec-exception contact-quick-reply).
  expect(emu.control.violations()).toEqual([]);
});
