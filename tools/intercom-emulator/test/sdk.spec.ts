import { IntercomClient } from 'intercom-client';
import { BOT_ADMIN_ID, type RunningEmulator } from '../src';
import { start } from './helpers';

let emu: RunningEmulator;
let sdk: IntercomClient;
beforeAll(async () => {
  emu = await start({ searchLagMs: 0 }); // contact search right after creation (the lag has its own spec)
  sdk = new IntercomClient({ token: 'sdk-token', baseUrl: emu.url, maxRetries: 0 });
});
afterAll(async () => {
  await emu.close();
});

it('serves the official intercom-client SDK: contacts, conversations, tags, tickets', async () => {
  await sdk.dataAttributes.create({ name: 'platform', model: 'contact', data_type: 'string' } as Parameters<
    typeof sdk.dataAttributes.create
  >[0]);
  const contact = await sdk.contacts.create({ external_id: 'sdk-user-1', name: 'Sam SDK' });
  expect(contact).toMatchObject({ type: 'contact', external_id: 'sdk-user-1', name: 'Sam SDK' });
  const updated = await sdk.contacts.update({ contact_id: contact.id, custom_attributes: { platform: 'ios' } });
  expect(updated.custom_attributes).toEqual({ platform: 'ios' });

  const found = await sdk.contacts.search({ query: { field: 'external_id', operator: '=', value: 'sdk-user-1' } });
  expect(found.data.map((c) => c.id)).toEqual([contact.id]);

  const msg = await sdk.conversations.create({ from: { type: 'user', id: contact.id }, body: 'Hello from the SDK' });
  expect(msg.conversation_id).toMatch(/^\d+$/);
  const cid = msg.conversation_id;
  await sdk.conversations.reply({
    conversation_id: cid,
    body: { message_type: 'comment', type: 'user', intercom_user_id: contact.id, body: 'More details' },
  });
  await sdk.conversations.reply({
    conversation_id: cid,
    body: { message_type: 'note', type: 'admin', admin_id: BOT_ADMIN_ID, body: 'internal' },
  });
  await sdk.conversations.manage({ conversation_id: cid, body: { message_type: 'close', type: 'admin', admin_id: BOT_ADMIN_ID } });
  const conv = await sdk.conversations.find({ conversation_id: cid });
  expect(conv.state).toBe('closed');
  expect(conv.conversation_parts?.conversation_parts?.map((p) => p.part_type)).toEqual(['comment', 'note', 'close']);

  const searched = await sdk.conversations.search({ query: { field: 'contact_ids', operator: '=', value: contact.id } });
  expect(searched.data.map((c) => c.id)).toEqual([cid]);

  const tag = await sdk.tags.create({ name: 'sdk-tag' });
  await sdk.tags.tagConversation({ conversation_id: cid, id: tag.id, admin_id: BOT_ADMIN_ID });
  expect((await sdk.tags.list()).data?.map((t) => t.name)).toEqual(['sdk-tag']);
  const tagged = await sdk.conversations.find({ conversation_id: cid });
  expect(tagged.tags?.tags?.map((t) => t.id)).toEqual([tag.id]);
  await sdk.tags.untagConversation({ conversation_id: cid, tag_id: tag.id, admin_id: BOT_ADMIN_ID });

  const admins = await sdk.admins.list();
  expect(admins.admins?.map((a) => a?.id)).toContain(BOT_ADMIN_ID);

  const types = await sdk.ticketTypes.list();
  const customer = types.data!.find((t) => t?.category === 'Customer')!;
  const states = await sdk.ticketStates.listTicketStates();
  const inProgress = states.data!.find((s) => s?.category === 'in_progress')!;
  // intercom-client 7.0.3's CreateTicketRequest type lacks ticket_attributes (the description has it);
  // the SDK sends the object as given, so a widened type gets it through.
  const createReq: Parameters<typeof sdk.tickets.create>[0] & { ticket_attributes: Record<string, unknown> } = {
    ticket_type_id: customer.id!,
    contacts: [{ id: contact.id }],
    ticket_attributes: { _default_title_: 'SDK ticket' },
  };
  const ticket = await sdk.tickets.create(createReq);
  expect(ticket?.ticket_id).toBe('AW-1');
  expect(ticket?.ticket_attributes).toEqual({ _default_title_: 'SDK ticket' });
  await sdk.tickets.update({ ticket_id: ticket!.id, ticket_state_id: inProgress.id! });
  await sdk.tickets.reply({
    ticket_id: ticket!.id,
    body: { message_type: 'comment', type: 'user', intercom_user_id: contact.id, body: 'thanks' },
  });
  const got = await sdk.tickets.get({ ticket_id: ticket!.id });
  expect(got?.ticket_state?.category).toBe('in_progress');
  expect(got?.ticket_parts?.ticket_parts?.map((p) => p.part_type)).toEqual([
    'ticket_state_updated_by_admin',
    'ticket_state_updated_by_admin',
    'comment',
  ]);
  const tickets = await sdk.tickets.search({ query: { field: 'contact_ids', operator: '=', value: contact.id } });
  expect(tickets.data.map((t) => t?.id)).toEqual([ticket!.id]);

  // the SDK's own requests (Intercom-Version 2.14 header included) conform to the description
  expect(emu.control.violations()).toEqual([]);
  expect(emu.control.requests().every((r) => r.operationId !== null)).toBe(true);
});

it("surfaces emulator errors as the SDK's typed errors", async () => {
  await expect(sdk.conversations.find({ conversation_id: '987654' })).rejects.toMatchObject({ statusCode: 404 });
  await expect(sdk.contacts.create({ external_id: 'sdk-user-1' })).rejects.toMatchObject({ statusCode: 409 });
});
