import type { RunningEmulator } from '../src';
import { client, start } from './helpers';

// SearchContacts: "If a contact has recently been created, there is a possibility that it will not
// yet be available when searching. [...] This delay can take a few minutes."
let emu: RunningEmulator;
beforeAll(async () => {
  emu = await start({ searchLagMs: 2000 }); // long enough for a slow first call (the contract validator compiles lazily)
});
afterAll(() => emu.close());

const byExternalId = (value: string) => ({ query: { field: 'external_id', operator: '=', value } });

it('keeps a new contact out of search until the lag has passed; direct reads and the 409 see it at once', async () => {
  const api = client(emu);
  const created = (await api('POST', '/contacts', { role: 'user', external_id: 'lag-1' })).body;
  expect((await api('POST', '/contacts/search', byExternalId('lag-1'))).body).toMatchObject({ total_count: 0, data: [] });
  expect((await api('GET', `/contacts/${created.id}`)).status).toBe(200);
  const duplicate = await api('POST', '/contacts', { role: 'user', external_id: 'lag-1' });
  expect(duplicate.status).toBe(409);
  expect(duplicate.body.errors[0]).toEqual({
    code: 'conflict',
    message: `A contact matching those details already exists with id=${created.id}`,
  });
  let found = 0;
  const until = Date.now() + 10_000;
  while (found === 0 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    found = (await api('POST', '/contacts/search', byExternalId('lag-1'))).body.total_count as number;
  }
  expect(found).toBe(1);
  expect(emu.control.violations()).toEqual([]);
});

it('is on by default, and 0 turns it off', async () => {
  const lagging = await start();
  const immediate = await start({ searchLagMs: 0 });
  try {
    for (const [emulator, expected] of [
      [lagging, 0],
      [immediate, 1],
    ] as const) {
      const api = client(emulator);
      await api('POST', '/contacts', { role: 'user', external_id: 'lag-default' });
      expect((await api('POST', '/contacts/search', byExternalId('lag-default'))).body.total_count).toBe(expected);
    }
  } finally {
    await lagging.close();
    await immediate.close();
  }
});
