import { OPERATOR_ADMIN_ID } from '../tools/intercom-emulator/src';
import { waitFor } from './helpers/wait';
import { callJson } from './helpers/http';
import { signIn, startTestStack, type TestStack } from './helpers/stack';

type Json = Record<string, any>;

// Conversations a customer did not start: an admin's 1:1 message (conversation.admin.single.created,
// delivered_as admin_initiated) is theirs; an outbound Series message (delivered_as automated) only
// once they answer it. conversation.deleted (identifiers only) takes one away.
describe('Which Intercom conversations a customer sees (e2e)', () => {
  let stack: TestStack;

  beforeAll(async () => {
    // Snapshots stay fresh for a minute: only webhooks can change what polls see here.
    stack = await startTestStack(
      { POLL_FRESHNESS_MS: '60000', RATE_LIMIT_PER_MIN: '10000', RATE_LIMIT_POLL_PER_MIN: '10000' },
      { webhookPingIntervalMs: 100 },
    );
  });
  afterAll(() => stack.close());

  const list = async (token: string): Promise<Json[]> =>
    (await callJson(`${stack.app.url}/api/conversations`, 'GET', token)).body.conversations as Json[];

  it('shows a conversation an operator started with the customer', async () => {
    const { token, contactId } = await signIn(stack, 'topics-alice');
    const message = await stack.emulator.operator.call<Json>('POST', '/messages', {
      message_type: 'in_app',
      body: 'Your new card has shipped',
      from: { type: 'admin', id: Number(OPERATOR_ADMIN_ID) },
      to: { type: 'user', id: contactId },
    });
    await stack.emulator.control.webhooksIdle();
    const conversations = await list(token);
    expect(conversations.map((conversation) => conversation.id)).toEqual([message.conversation_id]);
    expect(conversations[0].lastMessage).toMatchObject({ body: 'Your new card has shipped', author: { type: 'admin' } });
    expect(stack.emulator.control.webhooks().sent.map((event) => event.topic)).toContain('conversation.admin.single.created');
  });

  it('hides an outbound Series message until the customer answers it', async () => {
    const { token, contactId } = await signIn(stack, 'topics-bob');
    const id = stack.emulator.control.outboundConversation(contactId, 'Try our premium plan!');
    expect(await list(token)).toEqual([]);
    expect((await callJson(`${stack.app.url}/api/conversations/${id}`, 'GET', token)).status).toBe(404);
    // The customer answers in Intercom's own Messenger: now it is a conversation of theirs.
    await stack.emulator.operator.call('POST', `/conversations/${id}/reply`, {
      message_type: 'comment',
      type: 'user',
      intercom_user_id: contactId,
      body: 'How much is it?',
    });
    await stack.emulator.control.webhooksIdle();
    const shown = await waitFor(async () => {
      const response = await callJson(`${stack.app.url}/api/conversations/${id}`, 'GET', token);
      return response.status === 200 ? response.body : undefined;
    });
    expect(shown.messages.map((message: Json) => message.body)).toEqual(['Try our premium plan!', 'How much is it?']);
  });

  it('drops a deleted conversation from every read once conversation.deleted arrives', async () => {
    const { token } = await signIn(stack, 'topics-carol');
    const created = await callJson(`${stack.app.url}/api/conversations`, 'POST', token, { body: 'Please delete my data' });
    expect((await callJson(`${stack.app.url}/api/conversations/${created.body.id}/poll`, 'GET', token)).status).toBe(200);
    await stack.emulator.operator.call('DELETE', `/conversations/${created.body.id}`);
    await waitFor(async () => {
      const poll = await callJson(`${stack.app.url}/api/conversations/${created.body.id}/poll`, 'GET', token);
      return poll.status === 404 ? true : undefined;
    });
    expect(await list(token)).toEqual([]);
  });

  it('acknowledges Intercom’s periodic ping', async () => {
    const pings = await waitFor(() => {
      const delivered = stack.emulator.control.webhooks().deliveries.filter((delivery) => delivery.topic === 'ping');
      return delivered.length >= 2 ? delivered : undefined;
    });
    expect(pings.every((delivery) => delivery.status === 200)).toBe(true);
  });
});
