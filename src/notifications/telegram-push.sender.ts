import { Logger } from '@nestjs/common';
import type { PushConfig } from '../config/config';
import { itemKey, type PushNotification, type PushOutcome, type PushSender, sleep } from './push-sender';

interface TelegramConfig {
  botToken: string;
  apiBaseUrl: string;
  miniAppUrl: string;
}

// afterMs: the wait Telegram asked for (429 retry_after); otherwise exponential backoff applies.
type Attempt = { kind: 'delivered' } | { kind: 'dead' } | { kind: 'retry'; afterMs?: number } | { kind: 'failed'; reason: string };

// A Direct Link (https://t.me/<bot>/<app>) is opened with `startapp`, which Telegram hands to the
// Mini App as its start parameter (and signs into initData's start_param).
const isDirectLink = (url: URL): boolean => url.hostname === 't.me';

// Telegram Bot API sendMessage to the user's private chat (a Mini App has no other push), with a
// web_app button that opens the Mini App at the conversation or ticket. 429 waits retry_after;
// 403 (bot blocked, chat never started) marks the chat dead.
export class TelegramPushSender implements PushSender {
  readonly name = 'telegram';
  private readonly logger = new Logger('Push:telegram');

  constructor(
    private readonly telegram: TelegramConfig,
    private readonly push: Pick<PushConfig, 'timeoutMs' | 'maxAttempts' | 'telegramMaxRetryAfterSeconds'>,
  ) {}

  async send(chatIds: readonly string[], notification: PushNotification): Promise<PushOutcome> {
    const outcome: PushOutcome = { delivered: 0, deadTokens: [], failed: 0 };
    for (const chatId of chatIds) {
      const result = await this.deliver(chatId, notification);
      if (result.kind === 'delivered') outcome.delivered += 1;
      else if (result.kind === 'dead') outcome.deadTokens.push(chatId);
      else outcome.failed += 1;
    }
    return outcome;
  }

  private async deliver(chatId: string, notification: PushNotification): Promise<Attempt> {
    let last: Attempt = { kind: 'failed', reason: 'not attempted' };
    for (let attempt = 1; attempt <= this.push.maxAttempts; attempt += 1) {
      last = await this.attempt(chatId, notification);
      if (last.kind !== 'retry') break;
      if (attempt < this.push.maxAttempts) await sleep(last.afterMs ?? 500 * 2 ** (attempt - 1));
    }
    if (last.kind === 'retry' || last.kind === 'failed') {
      this.logger.warn(
        { chat: `…${chatId.slice(-4)}`, reason: last.kind === 'failed' ? last.reason : 'retries exhausted' },
        'Telegram push failed',
      );
    }
    return last.kind === 'retry' ? { kind: 'failed', reason: 'retries exhausted' } : last;
  }

  private async attempt(chatId: string, notification: PushNotification): Promise<Attempt> {
    let response: Response;
    try {
      response = await fetch(`${this.telegram.apiBaseUrl}/bot${this.telegram.botToken}/sendMessage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(this.message(chatId, notification)),
        signal: AbortSignal.timeout(this.push.timeoutMs),
      });
    } catch {
      return { kind: 'retry' };
    }
    const body = (await response.json().catch(() => ({}))) as { parameters?: { retry_after?: number } };
    if (response.ok) return { kind: 'delivered' };
    if (response.status === 403) return { kind: 'dead' };
    if (response.status === 429) {
      const retryAfter = body.parameters?.retry_after ?? 1;
      // Honour retry_after; waiting longer than the cap would hold a worker, so give up instead.
      if (retryAfter > this.push.telegramMaxRetryAfterSeconds) return { kind: 'failed', reason: `retry_after ${retryAfter}s over the cap` };
      return { kind: 'retry', afterMs: retryAfter * 1000 };
    }
    if (response.status >= 500) return { kind: 'retry' };
    return { kind: 'failed', reason: `status ${response.status}` };
  }

  // The button opens the Mini App at the item: start parameter c_<conversationId> / t_<ticketId>.
  // With a Direct Link it is a url button with `startapp`; with the Mini App's own URL a web_app
  // button carrying `tgWebAppStartParam`, the launch parameter Telegram itself puts in the query.
  private message(chatId: string, notification: PushNotification): Record<string, unknown> {
    const url = new URL(this.telegram.miniAppUrl);
    const startParameter = itemKey(notification.data);
    const directLink = isDirectLink(url);
    url.searchParams.set(directLink ? 'startapp' : 'tgWebAppStartParam', startParameter);
    const button = directLink
      ? { text: notification.button, url: url.toString() }
      : { text: notification.button, web_app: { url: url.toString() } };
    return {
      chat_id: chatId,
      text: `${notification.title}\n${notification.body}`.trim(),
      link_preview_options: { is_disabled: true },
      reply_markup: { inline_keyboard: [[button]] },
    };
  }
}
