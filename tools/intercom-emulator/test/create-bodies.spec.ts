import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningEmulator } from '../src';
import { client, start, type Json } from './helpers';

// Intercom's create_conversation_request: body is plain text ("HTML is not supported") and
// attachment_urls are "image URLs" (up to 10).
let emu: RunningEmulator;
let files: Server;
let filesUrl = '';
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

beforeAll(async () => {
  emu = await start();
  files = createServer((req, res) => {
    if (req.url === '/shot.png') res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
    else if (req.url === '/report.pdf') res.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF-1.4 tiny');
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await emu.close();
  await new Promise((r) => files.close(r));
});

const contactFor = async (ext: string): Promise<Json> => (await client(emu)('POST', '/contacts', { external_id: ext })).body;

describe('POST /conversations', () => {
  it('treats the body as plain text: tags and entities are shown as typed', async () => {
    const api = client(emu);
    const contact = await contactFor('plain-1');
    const sent = await api('POST', '/conversations', { from: { type: 'user', id: contact.id }, body: '<p>Tom &amp; Jerry</p> <3' });
    expect(sent.status).toBe(200);
    const conv = (await api('GET', `/conversations/${sent.body.conversation_id}`)).body;
    expect(conv.source.body).toBe('<p>&lt;p&gt;Tom &amp;amp; Jerry&lt;/p&gt; &lt;3</p>');
    // Replies take HTML as before.
    const replied = await api('POST', `/conversations/${conv.id}/reply`, {
      message_type: 'comment',
      type: 'user',
      intercom_user_id: contact.id,
      body: '<p>Tom &amp; Jerry</p>',
    });
    expect(replied.body.conversation_parts.conversation_parts[0].body).toBe('<p>Tom &amp; Jerry</p>');
  });

  it('attaches image URLs to the first message and refuses anything but images', async () => {
    const api = client(emu);
    const contact = await contactFor('att-create-1');
    const ok = await api('POST', '/conversations', {
      from: { type: 'user', id: contact.id },
      body: 'see',
      attachment_urls: [`${filesUrl}/shot.png`],
    });
    const conv = (await api('GET', `/conversations/${ok.body.conversation_id}`)).body;
    expect(conv.source.attachments).toEqual([expect.objectContaining({ content_type: 'image/png', filesize: PNG.length })]);
    const pdf = await api('POST', '/conversations', {
      from: { type: 'user', id: contact.id },
      body: 'see',
      attachment_urls: [`${filesUrl}/report.pdf`],
    });
    expect(pdf.status).toBe(400);
    expect(pdf.body.errors[0]).toMatchObject({ code: 'parameter_invalid', message: expect.stringContaining('not an image') });
    const tooMany = await api('POST', '/conversations', {
      from: { type: 'user', id: contact.id },
      body: 'see',
      attachment_urls: Array.from({ length: 11 }, () => `${filesUrl}/shot.png`),
    });
    expect(tooMany.status).toBe(400);
  });
});
