import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OPERATOR_ADMIN_ID, type RunningEmulator } from '../src';
import { client, start, type Json } from './helpers';

// The conversation topics and variants real Intercom sends besides the customer's own:
// conversation.admin.single.created (admin-initiated 1:1), conversation.deleted (identifiers only),
// ping, and delivered_as values beyond customer_initiated.
describe('webhook topics', () => {
  let emu: RunningEmulator;
  let hook: Server;
  const received: Json[] = [];

  beforeAll(async () => {
    hook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    emu = await start({ webhookUrl: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/`, webhookPingIntervalMs: 200 });
  });
  afterAll(async () => {
    await emu.close();
    await new Promise((resolve) => hook.close(resolve));
  });

  const topics = () => received.map((event) => event.topic as string);

  it('announces an admin-initiated in-app message as conversation.admin.single.created, delivered_as admin_initiated', async () => {
    const api = client(emu);
    const contact = (await api('POST', '/contacts', { role: 'user', external_id: 'topics-1' })).body;
    const sent = await api('POST', '/messages', {
      message_type: 'in_app',
      body: 'Your card is ready',
      from: { type: 'admin', id: Number(OPERATOR_ADMIN_ID) },
      to: { type: 'user', id: contact.id },
    });
    expect(sent.status).toBe(200);
    await emu.control.webhooksIdle();
    const event = received.find((candidate) => candidate.topic === 'conversation.admin.single.created')!;
    expect(event.data.item).toMatchObject({
      id: sent.body.conversation_id,
      source: { delivered_as: 'admin_initiated', author: { type: 'admin', id: OPERATOR_ADMIN_ID } },
    });
    expect(emu.control.violations()).toEqual([]);
  });

  it('sends conversation.deleted with identifiers only', async () => {
    const api = client(emu);
    const contact = (await api('POST', '/contacts', { role: 'user', external_id: 'topics-2' })).body;
    const id = (await api('POST', '/conversations', { from: { type: 'user', id: contact.id }, body: 'bye' })).body.conversation_id;
    expect((await api('DELETE', `/conversations/${id}`)).body).toEqual({ id, object: 'conversation', deleted: true });
    expect((await api('GET', `/conversations/${id}`)).status).toBe(404);
    await emu.control.webhooksIdle();
    expect(received.find((event) => event.topic === 'conversation.deleted')?.data.item).toEqual({ type: 'conversation', id });
  });

  it('marks outbound conversations with their delivered_as and sends ping notifications', async () => {
    const api = client(emu);
    const contact = (await api('POST', '/contacts', { role: 'user', external_id: 'topics-3' })).body;
    const id = emu.control.outboundConversation(contact.id, 'Try our new card');
    expect((await api('GET', `/conversations/${id}`)).body.source).toMatchObject({ delivered_as: 'automated', author: { type: 'bot' } });
    const until = Date.now() + 5000;
    while (!topics().includes('ping') && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received.find((event) => event.topic === 'ping')).toMatchObject({
      type: 'notification_event',
      id: null,
      data: { item: { type: 'ping' } },
    });
  });
});
