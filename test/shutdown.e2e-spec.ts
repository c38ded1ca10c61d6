import { DataSource } from 'typeorm';
import { IntercomService } from '../src/intercom/intercom.service';
import { bearer, sessionTokenFor } from './helpers/sessions';
import { startTestStack } from './helpers/stack';
import { waitFor } from './helpers/wait';

describe('Graceful shutdown', () => {
  it('lets an in-flight request finish, refuses new ones, and closes the database pool', async () => {
    const stack = await startTestStack();
    const token = await sessionTokenFor(stack.app, 'shutdown-user');
    const contactId = await stack.app.app
      .get(IntercomService)
      .contactIdFor({ userId: 'shutdown-user', telegramChatId: null, name: null, email: null });
    const conversationId = (
      await stack.emulator.operator.call<{ conversation_id: string }>('POST', '/conversations', {
        from: { type: 'user', id: contactId },
        body: 'hi',
      })
    ).conversation_id;
    // The poll's snapshot fetch will take 600 ms at Intercom.
    stack.emulator.control.addFault({ method: 'GET', path: '/conversations/', latencyMs: 600 });
    const inFlight = fetch(`${stack.app.url}/api/conversations/${conversationId}/poll`, { headers: bearer(token) });
    // Closing starts once the poll is waiting on Intercom (not after a guessed delay).
    await waitFor(() =>
      stack.emulator.control.requests().some((request) => request.method === 'GET' && request.path === `/conversations/${conversationId}`)
        ? true
        : undefined,
    );
    const dataSource = stack.app.app.get(DataSource);
    const closing = stack.app.close();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { messages: unknown[] }).messages).toHaveLength(1);
    await closing;
    await expect(fetch(`${stack.app.url}/health`)).rejects.toThrow();
    expect(dataSource.isInitialized).toBe(false);
    await stack.emulator.close();
  });
});
