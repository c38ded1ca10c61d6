import type { SessionUser } from '../src/auth/auth.decorators';
import { DevicesService } from '../src/devices/devices.service';
import { IntercomService } from '../src/intercom/intercom.service';
import { botBlocked, FakeTelegram, tooManyRequests } from './helpers/fake-telegram';
import { waitFor } from './helpers/wait';
import { drainPushes } from './helpers/push-fakes';
import { bearer, sessionTokenFor } from './helpers/sessions';
import { type TestStack, startTestStack } from './helpers/stack';

const MINI_APP_URL = 'https://miniapp.test/app';

interface PollDto {
  messages: { body: string; author: { type: string } }[];
  state: string;
}

// Operator actions in the Intercom emulator → signed webhooks → the BFF → a fake Telegram Bot API.
describe('Notifications (e2e: emulator webhooks → push)', () => {
  const telegram = new FakeTelegram();
  let stack: TestStack;
  let chatSeq = 800_000;

  // A Mini App user with a tma device and a conversation of their own.
  async function customer(): Promise<{ chatId: string; user: SessionUser; headers: Record<string, string>; conversationId: string }> {
    chatSeq += 1;
    const chatId = String(chatSeq);
    const user: SessionUser = { userId: `tg:${chatId}`, telegramChatId: chatId, name: 'Ivan', email: null };
    const headers = { ...bearer(await sessionTokenFor(stack.app, user.userId, user)), 'content-type': 'application/json' };
    const device = await fetch(`${stack.app.url}/api/devices/register`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ platform: 'tma', token: chatId }),
    });
    expect(device.status).toBe(200);
    const created = await fetch(`${stack.app.url}/api/conversations`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ body: 'My card is blocked' }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    return { chatId, user, headers, conversationId: id };
  }

  // Drain to idle: Intercom's deliveries, the inbox and the pushes it decided.
  const settle = async (): Promise<void> => {
    await stack.emulator.control.webhooksIdle(10_000);
    await drainPushes(stack.app);
  };

  beforeAll(async () => {
    await telegram.start();
    stack = await startTestStack({
      PUSH_TMA_SENDER: 'telegram',
      TELEGRAM_API_BASE_URL: telegram.url,
      TELEGRAM_MINI_APP_URL: MINI_APP_URL,
      WEBHOOK_POLL_INTERVAL_MS: '100',
      // Polls never refetch on their own here: what they show after an operator action came by webhook.
      POLL_FRESHNESS_MS: '600000',
    });
  });
  afterAll(async () => {
    await stack.close();
    await telegram.close();
  });

  it('pushes an operator reply to Telegram with a Mini App button, and the next poll has the message', async () => {
    const { chatId, headers, conversationId } = await customer();
    await stack.emulator.operator.reply(conversationId, '<p>We have unblocked your card</p>');

    const [push] = await waitFor(() => (telegram.messagesTo(chatId).length ? telegram.messagesTo(chatId) : undefined));
    expect(push.botToken).toBe(stack.app.config.telegram.botToken);
    expect(push.body.text).toContain('We have unblocked your card');
    const button = push.body.reply_markup!.inline_keyboard[0][0];
    const url = new URL(button.web_app!.url);
    expect(`${url.origin}${url.pathname}`).toBe(MINI_APP_URL);
    expect(url.searchParams.get('tgWebAppStartParam')).toBe(`c_${conversationId}`);

    const poll = await fetch(`${stack.app.url}/api/conversations/${conversationId}/poll?since=0`, { headers });
    const body = (await poll.json()) as PollDto;
    expect(body.messages.map((message) => message.body)).toContain('We have unblocked your card');
    expect(stack.requestViolations()).toEqual([]);
  });

  it('pushes nothing for notes, tells of a snooze, and invites to rate on an operator close', async () => {
    const { chatId, headers, conversationId } = await customer();
    await stack.emulator.operator.note(conversationId, 'internal: customer verified');
    await settle();
    expect(telegram.messagesTo(chatId)).toHaveLength(0);
    await stack.emulator.operator.snooze(conversationId, Math.floor(Date.now() / 1000) + 3600);
    await settle();
    expect(telegram.messagesTo(chatId).map((call) => call.body.text)).toEqual([expect.stringContaining('We will get back to you')]);
    const snoozed = (await (await fetch(`${stack.app.url}/api/conversations/${conversationId}/poll`, { headers })).json()) as PollDto;
    expect(snoozed.state).toBe('snoozed');

    await stack.emulator.operator.close(conversationId);
    await settle();
    const pushes = telegram.messagesTo(chatId);
    expect(pushes).toHaveLength(2);
    expect(pushes[1].body.text).toContain('How did we do?');
  });

  it('honours the notification settings: chatMessages for conversations, ticketUpdates for tickets', async () => {
    const { chatId, user, headers, conversationId } = await customer();
    const put = await fetch(`${stack.app.url}/api/settings/notifications`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ chatMessages: false }),
    });
    expect(put.status).toBe(200);
    await stack.emulator.operator.reply(conversationId, 'muted reply');
    await settle();
    expect(telegram.messagesTo(chatId)).toHaveLength(0);

    const contactId = await stack.app.app.get(IntercomService).contactIdFor(user);
    const ticket = await stack.emulator.operator.createTicket(contactId, 'Customer', 'Card blocked');
    await stack.emulator.operator.replyTicket(String(ticket.id), 'We are looking into it');
    const [reply] = await waitFor(() => (telegram.messagesTo(chatId).length ? telegram.messagesTo(chatId) : undefined));
    expect(reply.body.text).toContain('We are looking into it');
    expect(new URL(reply.body.reply_markup!.inline_keyboard[0][0].web_app!.url).searchParams.get('tgWebAppStartParam')).toBe(
      `t_${String(ticket.id)}`,
    );

    await stack.emulator.operator.setTicketState(String(ticket.id), 'resolved');
    await waitFor(() => (telegram.messagesTo(chatId).length === 2 ? true : undefined));
    expect(telegram.messagesTo(chatId)[1].body.text).toContain('Resolved');

    await fetch(`${stack.app.url}/api/settings/notifications`, { method: 'PUT', headers, body: JSON.stringify({ ticketUpdates: false }) });
    await stack.emulator.operator.setTicketState(String(ticket.id), 'in_progress');
    await settle();
    expect(telegram.messagesTo(chatId)).toHaveLength(2);
  });

  it('waits retry_after on a 429 before sending again', async () => {
    const { chatId, conversationId } = await customer();
    telegram.script(chatId, tooManyRequests(1));
    await stack.emulator.operator.reply(conversationId, 'after the rate limit');
    const calls = await waitFor(() => (telegram.messagesTo(chatId).length === 2 ? telegram.messagesTo(chatId) : undefined));
    expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(1000);
    await settle();
    expect(telegram.messagesTo(chatId)).toHaveLength(2);
  });

  it('removes the device when Telegram answers 403 (bot blocked)', async () => {
    const { chatId, user, conversationId } = await customer();
    telegram.script(chatId, botBlocked);
    await stack.emulator.operator.reply(conversationId, 'to a blocked bot');
    const devices = stack.app.app.get(DevicesService);
    await waitFor(async () => ((await devices.devicesFor(user.userId)).length === 0 ? true : undefined));
    expect(telegram.messagesTo(chatId)).toHaveLength(1);
  });
});
