import type { RunningEmulator } from '../src';
import { client, start, type Json } from './helpers';

// Intercom refuses custom attributes nobody defined ("User attribute 'x' does not exist"); the
// Data Attributes API defines them.
let emu: RunningEmulator;
beforeAll(async () => {
  emu = await start();
});
afterAll(() => emu.close());

it('refuses undefined contact attributes until the Data Attributes API defines them', async () => {
  const api = client(emu);
  const contact = (await api('POST', '/contacts', { role: 'user', external_id: 'attrs-1', name: 'Before' })).body;
  const refused = await api('PUT', `/contacts/${contact.id}`, { name: 'After', custom_attributes: { app_version: '1.2' } });
  expect(refused.status).toBe(400);
  expect(refused.body.errors[0]).toEqual({ code: 'parameter_invalid', message: "User attribute 'app_version' does not exist" });
  expect((await api('GET', `/contacts/${contact.id}`)).body.name).toBe('Before'); // nothing changed
  expect((await api('POST', '/contacts', { external_id: 'attrs-2', custom_attributes: { app_version: '1' } })).status).toBe(400);

  const created = await api('POST', '/data_attributes', { name: 'app_version', model: 'contact', data_type: 'string' });
  expect(created.status).toBe(200);
  expect(created.body).toMatchObject({ type: 'data_attribute', name: 'app_version', model: 'contact', custom: true, archived: false });
  const again = await api('POST', '/data_attributes', { name: 'app_version', model: 'contact', data_type: 'string' });
  expect(again.status).toBe(400);
  expect(again.body.errors[0].message).toContain("You already have 'app_version'");
  const listed = (await api('GET', '/data_attributes?model=contact')).body;
  expect(listed.data.map((a: Json) => a.name)).toEqual(['app_version']);

  const updated = await api('PUT', `/contacts/${contact.id}`, { custom_attributes: { app_version: '1.2' } });
  expect(updated.body.custom_attributes).toEqual({ app_version: '1.2' });

  // Archived attributes are refused again and listed only on request.
  await api('PUT', `/data_attributes/${created.body.id}`, { archived: true });
  expect((await api('PUT', `/contacts/${contact.id}`, { custom_attributes: { app_version: '2' } })).status).toBe(400);
  expect((await api('GET', '/data_attributes?model=contact')).body.data).toEqual([]);
  expect((await api('GET', '/data_attributes?model=contact&include_archived=true')).body.data).toHaveLength(1);
  expect((await api('PUT', '/data_attributes/424242', { archived: true })).status).toBe(404);
  expect(emu.control.violations()).toEqual([]);
});

it('refuses conversation attributes, which the API cannot create', async () => {
  const api = client(emu);
  const contact = (await api('POST', '/contacts', { role: 'user', external_id: 'attrs-3' })).body;
  const message = (await api('POST', '/conversations', { from: { type: 'user', id: contact.id }, body: 'hi' })).body;
  const refused = await api('PUT', `/conversations/${message.conversation_id}`, { custom_attributes: { anything: 'you want' } });
  expect(refused.body.errors[0]).toEqual({ code: 'parameter_invalid', message: "Conversation attribute 'anything' does not exist" });
  const wrongModel = await api('POST', '/data_attributes', { name: 'x', model: 'conversation', data_type: 'string' });
  expect(wrongModel.status).toBe(400);
});
