import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BOT_ADMIN_ID, OPERATOR_ADMIN_ID, type RunningEmulator } from '../src';
import { client, start, type Json } from './helpers';

let emu: RunningEmulator;
let files: Server;
let filesUrl = '';
const fileHits: string[] = [];
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

beforeAll(async () => {
  emu = await start({ searchLagMs: 0 }); // contact search right after creation (the lag has its own spec)
  files = createServer((req, res) => {
    fileHits.push(req.url ?? '');
    if (req.url === '/f/screen%20shot.png') {
      res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
    } else if (req.url === '/f/report') {
      res
        .writeHead(200, { 'content-type': 'application/pdf', 'content-disposition': 'attachment; filename="report.pdf"' })
        .end('%PDF-1.4 tiny');
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await emu.close();
  await new Promise((r) => files.close(r));
});

async function newConversation(ext: string): Promise<{ contact: Json; id: string }> {
  const api = client(emu);
  const contact = (await api('POST', '/contacts', { external_id: ext, name: 'Una User', email: `${ext}@example.com` })).body;
  const msg = await api('POST', '/conversations', { from: { type: 'user', id: contact.id }, body: 'My card was declined' });
  expect(msg.status).toBe(200);
  expect(msg.body).toMatchObject({ type: 'user_message', message_type: 'inapp', conversation_id: expect.stringMatching(/^\d+$/) });
  return { contact, id: msg.body.conversation_id };
}

describe('conversations', () => {
  it('goes through a whole lifecycle: user reply, admin reply, note, snooze, open, close, read, assignment', async () => {
    const api = client(emu);
    const { contact, id } = await newConversation('life-1');
    let conv = (await api('GET', `/conversations/${id}`)).body;
    expect(conv).toMatchObject({ type: 'conversation', id, state: 'open', open: true, snoozed_until: null, read: true });
    expect(conv.source).toMatchObject({
      type: 'conversation',
      body: '<p>My card was declined</p>',
      author: { type: 'user', id: contact.id },
    });
    expect(conv.contacts.contacts).toEqual([{ type: 'contact', id: contact.id, external_id: 'life-1' }]);
    expect(conv.conversation_parts.conversation_parts).toEqual([]);
    expect(Number.isInteger(conv.created_at) && conv.created_at < 1e11).toBe(true); // Unix seconds

    await api('POST', `/conversations/${id}/reply`, { message_type: 'comment', type: 'user', user_id: 'life-1', body: 'Any news?' });
    await emu.operator.reply(id, 'Looking into it');
    conv = (await api('GET', `/conversations/${id}`)).body;
    expect(conv.read).toBe(false);
    await emu.operator.note(id, 'Internal: check the PSP');
    await emu.operator.assign(id, OPERATOR_ADMIN_ID);
    const until = Math.floor(Date.now() / 1000) + 3600;
    conv = await emu.operator.snooze(id, until);
    expect(conv).toMatchObject({ state: 'snoozed', snoozed_until: until, open: true });
    conv = await emu.operator.open(id);
    expect(conv).toMatchObject({ state: 'open', snoozed_until: null });
    conv = await emu.operator.close(id, 'Solved');
    expect(conv).toMatchObject({ state: 'closed', open: false });
    // a user reply reopens a closed conversation
    conv = (
      await api('POST', `/conversations/${id}/reply`, {
        message_type: 'comment',
        type: 'user',
        intercom_user_id: contact.id,
        body: 'Thanks!',
      })
    ).body;
    expect(conv.state).toBe('open');
    conv = (await api('PUT', `/conversations/${id}`, { read: true })).body;
    expect(conv.read).toBe(true);

    const parts = conv.conversation_parts.conversation_parts as Json[];
    expect(parts.map((p) => [p.part_type, p.author.type])).toEqual([
      ['comment', 'user'],
      ['comment', 'admin'],
      ['note', 'admin'],
      ['assignment', 'admin'],
      ['snoozed', 'admin'],
      ['open', 'admin'],
      ['close', 'admin'],
      ['comment', 'user'],
    ]);
    expect(parts[1]).toMatchObject({
      body: '<p>Looking into it</p>',
      author: { id: OPERATOR_ADMIN_ID, name: 'Olivia Operator', email: 'olivia@emulator.intercom.test' },
      attachments: [],
    });
    expect(parts[3].assigned_to).toEqual({ type: 'admin', id: OPERATOR_ADMIN_ID });
    expect(parts[6].body).toBe('<p>Solved</p>');
    expect(new Set(parts.map((p) => p.id)).size).toBe(parts.length);
    expect(conv.admin_assignee_id).toBe(Number(OPERATOR_ADMIN_ID));
    expect(emu.control.violations()).toEqual([]);
  });

  it("authors the bot admin's parts as a bot", async () => {
    const { id } = await newConversation('bot-1');
    const conv = (
      await client(emu)('POST', `/conversations/${id}/reply`, {
        message_type: 'comment',
        type: 'admin',
        admin_id: BOT_ADMIN_ID,
        body: 'Auto answer',
      })
    ).body;
    expect(conv.conversation_parts.conversation_parts[0].author).toMatchObject({ type: 'bot', id: BOT_ADMIN_ID });
  });

  it('downloads attachment_urls (real GET) and stores them as attachments', async () => {
    const api = client(emu);
    const { contact, id } = await newConversation('att-1');
    const urls = [`${filesUrl}/f/screen%20shot.png`, `${filesUrl}/f/report`];
    const conv = (
      await api('POST', `/conversations/${id}/reply`, {
        message_type: 'comment',
        type: 'user',
        intercom_user_id: contact.id,
        body: 'see files',
        attachment_urls: urls,
      })
    ).body;
    expect(fileHits).toEqual(['/f/screen%20shot.png', '/f/report']);
    const atts = conv.conversation_parts.conversation_parts[0].attachments as Json[];
    expect(atts).toEqual([
      { type: 'upload', name: 'screen shot.png', content_type: 'image/png', filesize: PNG.length, url: expect.stringContaining(emu.url) },
      { type: 'upload', name: 'report.pdf', content_type: 'application/pdf', filesize: 13, url: expect.any(String) },
    ]);
    const bytes = Buffer.from(await (await fetch(atts[0].url)).arrayBuffer());
    expect(bytes.equals(PNG)).toBe(true);
    // an unreachable URL is refused like Intercom refuses an unusable attachment
    const bad = await api('POST', `/conversations/${id}/reply`, {
      message_type: 'comment',
      type: 'user',
      intercom_user_id: contact.id,
      body: 'x',
      attachment_urls: [`${filesUrl}/missing.png`],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].code).toBe('parameter_invalid');
    // on conversation creation too
    const m = await api('POST', '/conversations', { from: { type: 'user', id: contact.id }, body: 'pic', attachment_urls: [urls[0]] });
    const created = (await api('GET', `/conversations/${m.body.conversation_id}`)).body;
    expect(created.source.attachments[0]).toMatchObject({ name: 'screen shot.png', content_type: 'image/png', filesize: PNG.length });
  });

  it('tags and untags; search by contact_ids', async () => {
    const api = client(emu);
    const { contact, id } = await newConversation('tag-1');
    const second = (await api('POST', '/conversations', { from: { type: 'user', id: contact.id }, body: 'second' })).body.conversation_id;
    await newConversation('tag-other');
    const tag = (await api('POST', '/tags', { name: 'csat-rated' })).body;
    expect(tag).toMatchObject({ type: 'tag', name: 'csat-rated', id: expect.stringMatching(/^\d+$/) });
    expect((await api('POST', '/tags', { name: 'csat-rated' })).body.id).toBe(tag.id);
    const applied = await api('POST', `/conversations/${id}/tags`, { id: tag.id, admin_id: BOT_ADMIN_ID });
    expect(applied.body).toMatchObject({ type: 'tag', id: tag.id, name: 'csat-rated', applied_by: { type: 'admin', id: BOT_ADMIN_ID } });
    let conv = (await api('GET', `/conversations/${id}`)).body;
    expect(conv.tags.tags.map((t: Json) => t.name)).toEqual(['csat-rated']);
    expect((await api('GET', '/tags')).body.data.map((t: Json) => t.name)).toContain('csat-rated');
    expect((await api('POST', `/conversations/${id}/tags`, { id: '999999', admin_id: BOT_ADMIN_ID })).status).toBe(404);
    await api('DELETE', `/conversations/${id}/tags/${tag.id}`, { admin_id: BOT_ADMIN_ID });
    conv = (await api('GET', `/conversations/${id}`)).body;
    expect(conv.tags.tags).toEqual([]);

    const found = (await api('POST', '/conversations/search', { query: { field: 'contact_ids', operator: '=', value: contact.id } })).body;
    expect(found).toMatchObject({ type: 'conversation.list', total_count: 2 });
    expect(found.conversations.map((c: Json) => c.id).sort()).toEqual([id, second].sort());
    expect(found.conversations[0].conversation_parts).toBeUndefined();
    const paged = (
      await api('POST', '/conversations/search', {
        query: { field: 'contact_ids', operator: '=', value: contact.id },
        pagination: { per_page: 1 },
      })
    ).body;
    expect(paged.conversations).toHaveLength(1);
    const next = (
      await api('POST', '/conversations/search', {
        query: { field: 'contact_ids', operator: '=', value: contact.id },
        pagination: { per_page: 1, starting_after: paged.pages.next.starting_after },
      })
    ).body;
    expect(next.conversations[0].id).not.toBe(paged.conversations[0].id);
    expect(next.pages.next).toBeUndefined();
    expect(emu.control.violations()).toEqual([]);
  });

  it('updates contact custom_attributes by merging', async () => {
    const api = client(emu);
    for (const name of ['a', 'b']) await api('POST', '/data_attributes', { name, model: 'contact', data_type: 'string' });
    const c = (await api('POST', '/contacts', { external_id: 'ca-1', custom_attributes: { a: 1 } })).body;
    const u = (await api('PUT', `/contacts/${c.id}`, { custom_attributes: { b: 'x' }, name: 'New Name' })).body;
    expect(u).toMatchObject({ name: 'New Name', custom_attributes: { a: 1, b: 'x' } });
    const s = (await api('POST', '/contacts/search', { query: { field: 'external_id', operator: '=', value: 'ca-1' } })).body;
    expect(s).toMatchObject({ type: 'list', total_count: 1, data: [{ id: c.id }] });
  });
});
