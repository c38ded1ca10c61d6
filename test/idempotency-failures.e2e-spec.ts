import { Client } from 'pg';
import { callJson, expectErrorEnvelope, type JsonResponse } from './helpers/http';
import { signIn, startTestStack, type TestStack } from './helpers/stack';
import { waitFor } from './helpers/wait';

// #15 item 4: once Intercom has accepted a message, a failure of any later step — the database
// refusing the result itself included — never makes a retry with the same clientMessageId post it
// again. The failures are real: triggers in the test database make Postgres refuse the writes.
describe('Idempotency after a failure that follows the send (e2e)', () => {
  let stack: TestStack;
  let db: Client;
  let token: string;
  let contactId: string;

  beforeAll(async () => {
    stack = await startTestStack({ WEBHOOK_POLL_INTERVAL_MS: '50' });
    ({ token, contactId } = await signIn(stack, 'idempotency-user'));
    db = new Client({ connectionString: stack.app.config.database.url });
    await db.connect();
    await db.query(`CREATE FUNCTION refuse_write() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused for the test'; END $$`);
  }, 60_000);
  afterAll(async () => {
    await db?.end();
    await stack?.close();
  });

  const api = (path: string, body?: unknown): Promise<JsonResponse> =>
    callJson(`${stack.app.url}${path}`, body === undefined ? 'GET' : 'POST', token, body);
  const intercomCalls = (path: string) => stack.emulator.control.count('POST', path);

  async function newConversation(body: string): Promise<string> {
    const created = await api('/api/conversations', { body });
    expect(created.status).toBe(201);
    return created.body.id as string;
  }

  it('replays a conversation reply whose later step (the read index) failed', async () => {
    const conversationId = await newConversation('Before the operator answers');
    await stack.emulator.operator.reply(conversationId, '<p>An operator answer</p>');
    await stack.emulator.control.webhooksIdle(10_000);
    await waitFor(async () => ((await api('/api/unread')).body.total === 1 ? true : undefined));
    const replies = () => intercomCalls(`/conversations/${conversationId}/reply`);
    const before = replies();

    // Marking the operator's message seen (after Intercom took the reply) now fails.
    await db.query('CREATE TRIGGER refuse_unread BEFORE INSERT OR UPDATE ON unread_messages FOR EACH ROW EXECUTE FUNCTION refuse_write()');
    let first: JsonResponse;
    try {
      first = await api(`/api/conversations/${conversationId}/reply`, { body: 'Sent once', clientMessageId: 'reply-later-step' });
    } finally {
      await db.query('DROP TRIGGER refuse_unread ON unread_messages');
    }
    expectErrorEnvelope(first, 500, 'internal_error');
    expect(replies()).toBe(before + 1);

    const retry = await api(`/api/conversations/${conversationId}/reply`, { body: 'Sent once', clientMessageId: 'reply-later-step' });
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({ body: 'Sent once', clientMessageId: 'reply-later-step' });
    expect(replies()).toBe(before + 1);
    const detail = await api(`/api/conversations/${conversationId}`);
    expect(detail.body.messages.filter((message: { body: string }) => message.body === 'Sent once')).toHaveLength(1);
  });

  describe('when the database refuses the result itself', () => {
    let conversationId: string;
    let ticketId: string;
    const sends = () => ({
      creates: intercomCalls('/conversations'),
      replies: intercomCalls(`/conversations/${conversationId}/reply`),
      ticketReplies: intercomCalls(`/tickets/${ticketId}/reply`),
    });
    const attempt = {
      create: () => api('/api/conversations', { body: 'Open me once', clientMessageId: 'create-unrecorded' }),
      reply: () => api(`/api/conversations/${conversationId}/reply`, { body: 'Reply once', clientMessageId: 'reply-unrecorded' }),
      ticketReply: () => api(`/api/tickets/${ticketId}/reply`, { body: 'Ticket reply once', clientMessageId: 'ticket-unrecorded' }),
    };

    beforeAll(async () => {
      conversationId = await newConversation('A conversation to reply to');
      ticketId = ((await stack.emulator.operator.createTicket(contactId, 'Customer', 'A ticket', 'to reply to')) as { id: string }).id;
    });

    it('answers the retries of a create, a reply and a ticket reply with the first result, and posts each once', async () => {
      const before = sends();
      await db.query(`CREATE TRIGGER refuse_result BEFORE UPDATE ON client_messages FOR EACH ROW
        WHEN (NEW.state = 'done') EXECUTE FUNCTION refuse_write()`);
      try {
        // Intercom took each message: the client gets its answer although the result is not stored.
        const created = await attempt.create();
        const replied = await attempt.reply();
        const ticketReplied = await attempt.ticketReply();
        expect([created.status, replied.status, ticketReplied.status]).toEqual([201, 201, 201]);
        const once = { creates: before.creates + 1, replies: before.replies + 1, ticketReplies: before.ticketReplies + 1 };
        expect(sends()).toEqual(once);

        // A retry at once, and one after the 60 s a pending row is taken over after (the rows made
        // older), with the database still refusing: the same answers, nothing posted again.
        for (const age of ['0 seconds', '2 minutes']) {
          await db.query(`UPDATE client_messages SET updated_at = now() - $1::interval WHERE state = 'pending'`, [age]);
          expect((await attempt.create()).body.id).toBe(created.body.id);
          expect((await attempt.reply()).body).toEqual(replied.body);
          expect((await attempt.ticketReply()).body).toEqual(ticketReplied.body);
          expect(sends()).toEqual(once);
        }
      } finally {
        await db.query('DROP TRIGGER refuse_result ON client_messages');
      }

      // The database takes the results as soon as it can; from then on they come from there.
      const ids = ['create-unrecorded', 'reply-unrecorded', 'ticket-unrecorded'];
      await waitFor(
        async () => {
          const { rows } = await db.query<{ state: string }>('SELECT state FROM client_messages WHERE client_message_id = ANY($1)', [ids]);
          return rows.length === 3 && rows.every((row) => row.state === 'done') ? true : undefined;
        },
        30_000,
        200,
      );
      const ticketRetry = await attempt.ticketReply();
      expect(ticketRetry.body).toEqual((await attempt.ticketReply()).body);
      expect((await attempt.reply()).status).toBe(201);
      expect(sends()).toEqual({ creates: before.creates + 1, replies: before.replies + 1, ticketReplies: before.ticketReplies + 1 });
    }, 60_000);
  });
});
