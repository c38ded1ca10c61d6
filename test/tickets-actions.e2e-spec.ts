import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { png } from './helpers/file-samples';
import { bearer } from './helpers/sessions';
import { callJson, expectErrorEnvelope } from './helpers/http';
import { signIn, startTestStack, type TestStack } from './helpers/stack';

// Parsed response bodies: loosely typed on purpose, the assertions check their shape.
type Json = Record<string, ReturnType<typeof JSON.parse>>;

// Intercom downloads attachment_urls from PUBLIC_BASE_URL, which must be known before the app
// listens on its random port: a loopback forwarder on a port picked first bridges the two.
async function startForwarder(): Promise<{ server: Server; url: string; target: { url: string } }> {
  const target = { url: '' };
  const server = createServer((incoming, outgoing) => {
    const upstream = httpRequest(`${target.url}${incoming.url}`, { method: incoming.method, headers: incoming.headers }, (response) => {
      outgoing.writeHead(response.statusCode ?? 502, response.headers);
      response.pipe(outgoing);
    });
    upstream.on('error', () => outgoing.writeHead(502).end());
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, target };
}

describe('Tickets: reply and clarify (e2e against the Intercom emulator)', () => {
  let stack: TestStack;
  let forwarder: Awaited<ReturnType<typeof startForwarder>>;
  const users: Record<string, { token: string; contactId: string }> = {};

  beforeAll(async () => {
    forwarder = await startForwarder();
    stack = await startTestStack({ PUBLIC_BASE_URL: forwarder.url });
    forwarder.target.url = stack.app.url;
    for (const userId of ['bob', 'eve']) {
      users[userId] = await signIn(stack, userId);
    }
  });
  afterAll(async () => {
    await stack.close();
    await new Promise((resolve) => forwarder.server.close(resolve));
  });
  afterEach(() => stack.emulator.control.clearFaults());

  const operator = () => stack.emulator.operator;
  const call = (userId: string, method: string, path: string, body?: unknown) =>
    callJson(`${stack.app.url}${path}`, method, users[userId].token, body);
  const createTicket = async (userId: string, type: string, title: string, description = '') =>
    (await operator().createTicket(users[userId].contactId, type, title, description)) as { id: string; ticket_id: string };
  const expectError = expectErrorEnvelope;
  const replyCount = () => stack.emulator.control.count('POST', '/tickets/{ticket_id}/reply');

  describe('reply', () => {
    it('reopens a resolved ticket to the in_progress state and posts the reply', async () => {
      const ticket = await createTicket('eve', 'Customer', 'Reopen me');
      await operator().setTicketState(ticket.id, 'resolved');
      const response = await call('eve', 'POST', `/api/tickets/${ticket.id}/reply`, { body: 'Still broken <b>really</b>' });
      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id: expect.any(String),
        body: 'Still broken <b>really</b>',
        html: expect.any(String),
        author: expect.objectContaining({ type: 'user' }),
        createdAt: expect.any(Number),
        attachments: [],
        clientMessageId: null,
      });
      const detail = await call('eve', 'GET', `/api/tickets/${ticket.id}`);
      expect(detail.body.ticket.state).toEqual({ category: 'in_progress', label: 'In progress' });
      expect(detail.body.timeline.map((entry: Json) => entry.category)).toEqual(['submitted', 'resolved', 'in_progress']);
      expect(detail.body.messages.map((message: Json) => message.body)).toEqual(['Still broken <b>really</b>']);
    });

    it('does not touch the state of a ticket that is not resolved', async () => {
      const ticket = await createTicket('eve', 'Customer', 'Waiting');
      await operator().setTicketState(ticket.id, 'waiting_on_customer');
      stack.emulator.control.resetRequests();
      expect((await call('eve', 'POST', `/api/tickets/${ticket.id}/reply`, { body: 'Here you go' })).status).toBe(201);
      expect(stack.emulator.control.count('PUT', '/tickets/{ticket_id}')).toBe(0);
      expect(stack.emulator.state.ticketState(stack.emulator.state.tickets.get(ticket.id)!.stateId).category).toBe('waiting_on_customer');
    });

    it('answers 409 for the caller’s back-office ticket without sending the reply', async () => {
      const ticket = await createTicket('eve', 'Back-office', 'Internal');
      const before = replyCount();
      const response = await call('eve', 'POST', `/api/tickets/${ticket.id}/reply`, { body: 'hello?' });
      expectError(response, 409, 'conflict');
      expect(response.body.message).toMatch(/does not take replies/);
      expect(replyCount()).toBe(before);
    });

    it('turns Intercom refusing the user reply into 409', async () => {
      const ticket = await createTicket('eve', 'Customer', 'Refused');
      stack.emulator.control.addFault({ method: 'POST', path: `/tickets/${ticket.id}/reply`, status: 400 });
      const response = await call('eve', 'POST', `/api/tickets/${ticket.id}/reply`, { body: 'hello?' });
      expectError(response, 409, 'conflict');
      expect(JSON.stringify(response.body)).not.toContain('parameter');
    });

    it('posts once for sequential and concurrent retries with the same clientMessageId', async () => {
      const ticket = await createTicket('eve', 'Customer', 'Idempotent');
      const before = replyCount();
      const first = await call('eve', 'POST', `/api/tickets/${ticket.id}/reply`, { body: 'once', clientMessageId: 'eve-seq-1' });
      const again = await call('eve', 'POST', `/api/tickets/${ticket.id}/reply`, { body: 'once', clientMessageId: 'eve-seq-1' });
      expect(first.status).toBe(201);
      expect(again).toEqual(first);
      expect(first.body.clientMessageId).toBe('eve-seq-1');
      const racing = await Promise.all(
        Array.from({ length: 6 }, () =>
          call('eve', 'POST', `/api/tickets/${ticket.id}/reply`, { body: 'race', clientMessageId: 'eve-race-1' }),
        ),
      );
      expect(new Set(racing.map((response) => response.body.id)).size).toBe(1);
      expect(racing.every((response) => response.status === 201)).toBe(true);
      expect(replyCount() - before).toBe(2);
      const detail = await call('eve', 'GET', `/api/tickets/${ticket.id}`);
      expect(detail.body.messages.map((message: Json) => message.clientMessageId)).toEqual(['eve-seq-1', 'eve-race-1']);
    });

    it('passes the caller’s uploads to Intercom as attachments and refuses someone else’s', async () => {
      const ticket = await createTicket('eve', 'Customer', 'With a screenshot');
      const form = new FormData();
      form.append('file', new Blob([png()], { type: 'image/png' }), 'screen.png');
      const upload = await fetch(`${stack.app.url}/api/files/upload`, { method: 'POST', headers: bearer(users.eve.token), body: form });
      const fileId = ((await upload.json()) as { files: { id: string }[] }).files[0].id;
      const response = await call('eve', 'POST', `/api/tickets/${ticket.id}/reply`, { body: 'see file', attachmentIds: [fileId] });
      expect(response.status).toBe(201);
      expect(response.body.attachments).toEqual([expect.objectContaining({ contentType: 'image/png', size: png().length })]);
      const bobs = await createTicket('bob', 'Customer', 'Bob attaches');
      expectError(await call('bob', 'POST', `/api/tickets/${bobs.id}/reply`, { body: 'x', attachmentIds: [fileId] }), 404, 'not_found');
    });

    it.each([
      ['no body', {}],
      ['a blank body', { body: '  ' }],
      ['a non-UUID attachment id', { body: 'x', attachmentIds: ['nope'] }],
      ['an unknown field', { body: 'x', admin: true }],
    ])('rejects %s with 400', async (_name, body) => {
      const ticket = await createTicket('eve', 'Customer', 'Validation');
      expectError(await call('eve', 'POST', `/api/tickets/${ticket.id}/reply`, body), 400, 'validation_error');
    });
  });

  describe('clarify', () => {
    it('starts a conversation when there is none, then reuses the open one, and notes the link for operators', async () => {
      const ticket = await createTicket('bob', 'Customer', 'Where is my money');
      const first = await call('bob', 'POST', `/api/tickets/${ticket.id}/clarify`, {});
      expect(first).toEqual({ status: 201, body: { conversationId: expect.any(String) } });
      const second = await call('bob', 'POST', `/api/tickets/${ticket.id}/clarify`, { body: 'It has been <3> days' });
      expect(second.body.conversationId).toBe(first.body.conversationId);

      const conversation = stack.emulator.state.conversations.get(first.body.conversationId as string)!;
      const texts = [
        conversation.source.body,
        ...conversation.parts.filter((part) => part.part_type === 'comment').map((part) => part.body),
      ];
      expect(texts).toEqual([
        `<p>Please clarify the status of ticket ${ticket.ticket_id}</p>`,
        `<p>Please clarify the status of ticket ${ticket.ticket_id}</p><p>It has been &lt;3&gt; days</p>`,
      ]);
      expect(conversation.parts.filter((part) => part.part_type === 'note').map((part) => part.body)).toEqual([
        expect.stringContaining(ticket.ticket_id),
        expect.stringContaining(ticket.ticket_id),
      ]);
      const ticketNotes = stack.emulator.state.tickets.get(ticket.id)!.parts.filter((part) => part.part_type === 'note');
      expect(ticketNotes.map((part) => part.body)).toEqual([
        expect.stringContaining(first.body.conversationId as string),
        expect.stringContaining(first.body.conversationId as string),
      ]);
      // Notes never reach the customer.
      const detail = await call('bob', 'GET', `/api/tickets/${ticket.id}`);
      expect(detail.body.messages).toEqual([]);
    });

    it('starts a new conversation when the previous one is closed', async () => {
      const ticket = await createTicket('bob', 'Customer', 'Second question');
      const first = await call('bob', 'POST', `/api/tickets/${ticket.id}/clarify`, {});
      await operator().close(first.body.conversationId as string);
      const second = await call('bob', 'POST', `/api/tickets/${ticket.id}/clarify`, {});
      expect(second.status).toBe(201);
      expect(second.body.conversationId).not.toBe(first.body.conversationId);
    });

    it('rejects an over-long body', async () => {
      const ticket = await createTicket('bob', 'Customer', 'Long');
      expectError(await call('bob', 'POST', `/api/tickets/${ticket.id}/clarify`, { body: 'x'.repeat(2001) }), 400, 'validation_error');
    });
  });

  it('sent Intercom only requests that conform to its OpenAPI description', () => {
    expect(stack.requestViolations()).toEqual([]);
  });
});
