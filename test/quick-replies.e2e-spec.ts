import { callJson } from './helpers/http';
import { type TestStack, signIn, startTestStack } from './helpers/stack';
import { RawStream } from './helpers/streams';
import { webhooksProcessed } from './helpers/events';
import { waitFor } from './helpers/wait';

type Json = Record<string, any>;

const YES = { text: 'Yes, solved', uuid: 'a5e1c524-5ddd-4c3e-9328-6bca5d6e3edb' };
const NO = { text: 'No', uuid: 'f4a98af1-be56-4948-a57e-e1a83f8484c6' };

// Issue #17 item 6: an operator's quick reply reaches the customer with its options, and the
// customer's pick goes to Intercom as the contact's quick_reply reply and comes back as theirs.
describe('Quick replies (e2e against the Intercom emulator)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ POLL_FRESHNESS_MS: '0' });
  });
  afterAll(() => stack.close());

  const api = (token: string, method: string, path: string, body?: unknown) => callJson(`${stack.app.url}/api${path}`, method, token, body);
  const start = async (token: string, body: string): Promise<Json> => {
    const created = await api(token, 'POST', '/conversations', { body });
    expect(created.status).toBe(201);
    return created.body;
  };

  it('shows the options, takes the answer to Intercom and shows it as the customer’s own message', async () => {
    const { token } = await signIn(stack, 'qr-alice');
    const conversation = await start(token, 'My card was declined');
    const stream = await RawStream.open(`${stack.app.url}/api/events`, { authorization: `Bearer ${token}` });
    try {
      await stack.emulator.operator.quickReply(conversation.id, [YES, NO], 'Did a new card help?');
      await webhooksProcessed(stack);

      const thread = (await api(token, 'GET', `/conversations/${conversation.id}`)).body;
      const offered = thread.messages.at(-1);
      expect(offered).toMatchObject({
        body: 'Did a new card help?',
        author: { type: 'admin' },
        quickReplyOptions: [YES, NO].map(({ uuid, text }) => ({ uuid, text })),
      });
      // Every other message keeps api.md's shape.
      expect(thread.messages[0]).not.toHaveProperty('quickReplyOptions');
      const polled = (await api(token, 'GET', `/conversations/${conversation.id}/poll?since=${thread.messages[0].createdAt}`)).body;
      expect(polled.messages).toEqual([offered]);
      const streamed = () => stream.events.filter((event) => event.type === 'message.created').map((event) => event.data.message as Json);
      expect(await waitFor(() => streamed().find((message) => message.id === offered.id))).toEqual(offered);

      const answer = await api(token, 'POST', `/conversations/${conversation.id}/quick-replies`, {
        messageId: offered.id,
        uuid: YES.uuid,
        clientMessageId: 'qr-answer-1',
      });
      expect(answer).toMatchObject({
        status: 201,
        body: { body: YES.text, author: { type: 'user' }, quickReplyUuid: YES.uuid, clientMessageId: 'qr-answer-1' },
      });

      // In Intercom: the contact's quick_reply reply became their comment carrying the option's uuid.
      const inIntercom = await stack.emulator.operator.call<Json>('GET', `/conversations/${conversation.id}`);
      const parts = inIntercom.conversation_parts.conversation_parts as Json[];
      expect(parts.at(-1)).toMatchObject({
        id: answer.body.id,
        part_type: 'comment',
        body: `<p>${YES.text}</p>`,
        author: { type: 'user' },
        metadata: { quick_reply_uuid: YES.uuid },
      });
      // (Only Intercom's quick_reply reply records quick_reply_uuid; the request conformed, see the last check.)
      // The customer's history, poll and stream show it as theirs.
      await webhooksProcessed(stack);
      const history = (await api(token, 'GET', `/conversations/${conversation.id}`)).body;
      expect(history.messages.at(-1)).toEqual(answer.body);
      const afterOffer = (await api(token, 'GET', `/conversations/${conversation.id}/poll?since=${offered.createdAt}`)).body;
      expect(afterOffer.messages).toEqual([answer.body]);
      expect(await waitFor(() => streamed().find((message) => message.id === answer.body.id))).toMatchObject({
        author: { type: 'user' },
        quickReplyUuid: YES.uuid,
      });

      // A retry of the same answer replays it; a second answer to the same quick reply is refused.
      const retried = await api(token, 'POST', `/conversations/${conversation.id}/quick-replies`, {
        messageId: offered.id,
        uuid: YES.uuid,
        clientMessageId: 'qr-answer-1',
      });
      expect(retried).toEqual({ status: 201, body: answer.body });
      const again = await api(token, 'POST', `/conversations/${conversation.id}/quick-replies`, { messageId: offered.id, uuid: NO.uuid });
      expect(again).toMatchObject({ status: 409, body: { error: 'conflict' } });
      const answers = (await stack.emulator.operator.call<Json>('GET', `/conversations/${conversation.id}`)).conversation_parts
        .conversation_parts as Json[];
      expect(answers.filter((part) => part.metadata?.quick_reply_uuid)).toHaveLength(1);
      expect(stack.requestViolations()).toEqual([]);
    } finally {
      stream.close();
    }
  });

  it('refuses an option that was not offered (naming the field), a message that is no quick reply, and one a newer one replaced', async () => {
    const { token } = await signIn(stack, 'qr-bob');
    const conversation = await start(token, 'Where is my transfer?');
    await stack.emulator.operator.quickReply(conversation.id, [YES, NO]);
    await stack.emulator.operator.reply(conversation.id, 'Or tell us more');
    const messages = (await api(token, 'GET', `/conversations/${conversation.id}`)).body.messages as Json[];
    const offered = messages.find((message) => message.quickReplyOptions)!;
    // Without a question, the buttons alone are the message.
    expect(offered).toMatchObject({ body: '', html: null, author: { type: 'admin' } });
    const plain = messages.at(-1)!;
    const answer = (body: Json) => api(token, 'POST', `/conversations/${conversation.id}/quick-replies`, body);

    const wrongUuid = await answer({ messageId: offered.id, uuid: '00000000-0000-4000-8000-000000000000' });
    expect(wrongUuid).toMatchObject({ status: 400, body: { error: 'validation_error', message: expect.stringMatching(/^uuid /) } });
    const notAQuickReply = await answer({ messageId: plain.id, uuid: YES.uuid });
    expect(notAQuickReply).toMatchObject({ status: 404, body: { error: 'not_found', message: expect.stringMatching(/^messageId /) } });
    const unknownMessage = await answer({ messageId: '999999', uuid: YES.uuid });
    expect(unknownMessage).toMatchObject({ status: 404, body: { error: 'not_found' } });
    const missing = await answer({ messageId: offered.id });
    expect(missing).toMatchObject({ status: 400, body: { error: 'validation_error', message: expect.stringContaining('uuid') } });
    const otherUsers = await signIn(stack, 'qr-mallory');
    const notYours = await api(otherUsers.token, 'POST', `/conversations/${conversation.id}/quick-replies`, {
      messageId: offered.id,
      uuid: YES.uuid,
    });
    expect(notYours).toMatchObject({ status: 404, body: { error: 'not_found' } });

    await stack.emulator.operator.quickReply(conversation.id, [{ text: 'Card', uuid: '3c7d1bde-57c4-4b8c-9a5e-1f3f0b0f8a11' }]);
    const superseded = await answer({ messageId: offered.id, uuid: YES.uuid });
    expect(superseded).toMatchObject({ status: 409, body: { error: 'conflict', message: expect.stringContaining('newer quick reply') } });
    expect(stack.requestViolations()).toEqual([]);
  });
});
