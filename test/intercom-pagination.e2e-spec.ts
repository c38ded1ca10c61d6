import { callJson } from './helpers/http';
import { signIn, startTestStack, type TestStack } from './helpers/stack';

type Json = Record<string, any>;

// Intercom's search returns at most 150 a page, in no promised order (the emulator: creation
// order). A user's lists must still hold their newest conversations and every ticket.
describe('Lists beyond one Intercom search page (e2e)', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ RATE_LIMIT_PER_MIN: '10000', INTERCOM_TIMEOUT_MS: '5000' });
  });
  afterAll(() => stack.close());

  it('lists the most recent conversations although they are on the second page', async () => {
    const { token, contactId } = await signIn(stack, 'many-convs');
    const ids: string[] = [];
    for (let index = 0; index < 160; index += 1) {
      const message = await stack.emulator.operator.call<Json>('POST', '/conversations', {
        from: { type: 'user', id: contactId },
        body: `conversation ${index}`,
        created_at: 1_700_000_000 + index, // strictly increasing, so "most recent" is well defined
      });
      ids.push(message.conversation_id as string);
    }
    const response = await callJson(`${stack.app.url}/api/conversations`, 'GET', token);
    expect(response.status).toBe(200);
    const listed = (response.body.conversations as Json[]).map((conversation) => conversation.id);
    expect(listed).toHaveLength(50);
    expect(listed).toEqual(ids.slice(-50).reverse());
  }, 60_000);

  it('lists every ticket of the user, across pages', async () => {
    const { token, contactId } = await signIn(stack, 'many-tickets');
    for (let index = 0; index < 155; index += 1) await stack.emulator.operator.createTicket(contactId, 'Customer', `ticket ${index}`);
    const response = await callJson(`${stack.app.url}/api/tickets`, 'GET', token);
    expect(response.status).toBe(200);
    expect(response.body.tickets).toHaveLength(155);
    expect(new Set((response.body.tickets as Json[]).map((ticket) => ticket.title)).size).toBe(155);
  }, 60_000);
});
