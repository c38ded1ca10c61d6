import { BOT_ADMIN_ID, loadContract, SERVED_OPERATIONS, type RunningEmulator } from '../src';
import { client, start } from './helpers';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await start();
});
afterAll(async () => {
  await emu.close();
});

describe('contract with the OpenAPI description', () => {
  it('loads the description quickly and caches it', async () => {
    const c = await loadContract();
    expect(c.loadMs).toBeLessThan(2000);
    expect(await loadContract()).toBe(c);
    const t0 = Date.now();
    const second = await start();
    await second.close();
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('answers every served operation with responses valid against the spec (success and errors)', async () => {
    const api = client(emu);
    const ok = async (method: string, path: string, body?: unknown) => {
      const r = await api(method, path, body);
      expect({ path, status: r.status, body: r.body }).toMatchObject({ status: 200 });
      return r.body;
    };
    await ok('GET', '/admins');
    const plan = await ok('POST', '/data_attributes', { name: 'plan', model: 'contact', data_type: 'string' });
    await ok('POST', '/data_attributes', { name: 'app_version', model: 'contact', data_type: 'string', description: 'App version' });
    await ok('GET', '/data_attributes?model=contact');
    await ok('PUT', `/data_attributes/${plan.id}`, { description: 'Plan' });
    const c = await ok('POST', '/contacts', {
      external_id: 'contract-1',
      email: 'c1@example.com',
      name: 'C One',
      custom_attributes: { plan: 'pro' },
    });
    await ok('GET', `/contacts/${c.id}`);
    await ok('GET', '/contacts/find_by_external_id/contract-1');
    await ok('PUT', `/contacts/${c.id}`, { custom_attributes: { app_version: '1.2.3' } });
    await ok('POST', '/contacts/search', { query: { field: 'external_id', operator: '=', value: 'contract-1' } });
    const m = await ok('POST', '/conversations', { from: { type: 'user', id: c.id }, body: 'Hi' });
    const cid = m.conversation_id as string;
    await ok('GET', `/conversations/${cid}`);
    await ok('PUT', `/conversations/${cid}`, { read: true });
    await ok('POST', `/conversations/${cid}/reply`, { message_type: 'comment', type: 'user', intercom_user_id: c.id, body: 'more' });
    await ok('POST', `/conversations/${cid}/reply`, { message_type: 'note', type: 'admin', admin_id: BOT_ADMIN_ID, body: 'note' });
    await ok('POST', `/conversations/${cid}/parts`, {
      message_type: 'assignment',
      type: 'admin',
      admin_id: BOT_ADMIN_ID,
      assignee_id: BOT_ADMIN_ID,
    });
    await ok('POST', '/conversations/search', {
      query: {
        operator: 'AND',
        value: [
          { field: 'contact_ids', operator: '=', value: c.id },
          { field: 'state', operator: '=', value: 'open' },
        ],
      },
    });
    const tag = await ok('POST', '/tags', { name: 'vip' });
    await ok('GET', '/tags');
    await ok('POST', `/conversations/${cid}/tags`, { id: tag.id, admin_id: BOT_ADMIN_ID });
    await ok('DELETE', `/conversations/${cid}/tags/${tag.id}`, { admin_id: BOT_ADMIN_ID });
    const types = await ok('GET', '/ticket_types');
    await ok('GET', `/ticket_types/${types.data[0].id}`);
    await ok('GET', '/ticket_states');
    const t = await ok('POST', '/tickets', {
      ticket_type_id: types.data[0].id,
      contacts: [{ id: c.id }],
      ticket_attributes: { _default_title_: 'T', _default_description_: 'D' },
    });
    await ok('GET', `/tickets/${t.id}`);
    await ok('PUT', `/tickets/${t.id}`, { ticket_state_id: '2', admin_id: Number(BOT_ADMIN_ID) });
    await ok('POST', `/tickets/${t.id}/reply`, { message_type: 'comment', type: 'admin', admin_id: BOT_ADMIN_ID, body: 'on it' });
    await ok('POST', '/tickets/search', { query: { field: 'contact_ids', operator: '=', value: c.id } });
    const outbound = await ok('POST', '/messages', {
      message_type: 'in_app',
      body: 'Hello from support',
      from: { type: 'admin', id: Number(BOT_ADMIN_ID) },
      to: { type: 'user', id: c.id },
    });
    await ok('DELETE', `/conversations/${outbound.conversation_id}`);

    // error answers are validated too (against `error`)
    expect((await api('GET', '/tickets/424242')).status).toBe(404);
    expect((await api('PUT', `/contacts/${c.id}`, { custom_attributes: { undefined_one: 1 } })).status).toBe(400);
    expect((await api('GET', '/conversations/424242')).status).toBe(404);
    expect((await api('POST', '/contacts', { external_id: 'contract-1' })).status).toBe(409);

    const served = new Set(emu.control.requests().map((r) => r.operationId));
    expect(SERVED_OPERATIONS.map((o) => o[2]).filter((id) => !served.has(id))).toEqual([]);
    expect(emu.control.violations()).toEqual([]);
  });

  it('records request violations (method, path, errors) and serves them at /_emulator/violations', async () => {
    emu.control.clearViolations();
    const api = client(emu);
    const c = await api('POST', '/contacts', { external_id: 'viol-1' });
    expect(emu.control.violations()).toEqual([]);
    // `from` lacks `type`; `body` is a number: both against create_conversation_request
    await api('POST', '/conversations', { from: { id: c.body.id }, body: 42 });
    await api('GET', '/no_such_intercom_path');
    const v = emu.control.violations();
    expect(v[0]).toMatchObject({ kind: 'request', method: 'POST', path: '/conversations', operationId: 'createConversation' });
    expect(v[0].errors.length).toBeGreaterThan(0);
    expect(v[1]).toMatchObject({ kind: 'unknown_operation', method: 'GET', path: '/no_such_intercom_path' });
    const http = (await (await fetch(`${emu.url}/_emulator/violations`)).json()) as { violations: unknown[] };
    expect(http.violations).toHaveLength(2);
    await fetch(`${emu.url}/_emulator/violations`, { method: 'DELETE' });
    expect(emu.control.violations()).toEqual([]);
  });

  it('401 without a bearer token, any token accepted, Intercom-Version accepted', async () => {
    const anon = await client(emu, null)('GET', '/admins');
    expect(anon.status).toBe(401);
    expect(anon.body).toMatchObject({ type: 'error.list', errors: [{ code: 'unauthorized' }] });
    expect(anon.body.request_id).toMatch(/^[0-9a-f-]{36}$/);
    const any = await client(emu, 'whatever-token')('GET', '/admins', undefined, { 'Intercom-Version': '2.14' });
    expect(any.status).toBe(200);
    expect(any.body.admins.map((a: { id: string }) => a.id)).toContain(BOT_ADMIN_ID);
  });

  it('404 for unknown ids, 409 for a duplicate external_id (also on update)', async () => {
    const api = client(emu);
    for (const p of [
      '/contacts/000000000000000000000000',
      '/conversations/9999999',
      '/tickets/9999999',
      '/contacts/find_by_external_id/nobody',
    ]) {
      const r = await api('GET', p);
      expect([p, r.status, r.body.type, r.body.errors[0].code]).toEqual([p, 404, 'error.list', 'not_found']);
    }
    const a = await api('POST', '/contacts', { external_id: 'dup-1' });
    const b = await api('POST', '/contacts', { external_id: 'dup-1' });
    expect(b.status).toBe(409);
    expect(b.body.errors[0]).toEqual({ code: 'conflict', message: `A contact matching those details already exists with id=${a.body.id}` });
    const other = await api('POST', '/contacts', { external_id: 'dup-2' });
    expect((await api('PUT', `/contacts/${other.body.id}`, { external_id: 'dup-1' })).status).toBe(409);
    expect(emu.control.violations().filter((v) => v.kind === 'response')).toEqual([]);
  });
});
