import { Logger } from '@nestjs/common';
import type { BatchResponse, Messaging, MulticastMessage } from 'firebase-admin/messaging';
import type { PushConfig } from '../config/config';
import { itemKey, type PushNotification, type PushOutcome, type PushSender, sleep } from './push-sender';

// FCM's answers that mean the token will never work again: delete the device.
const DEAD = new Set(['registration-token-not-registered', 'mismatched-credential', 'invalid-registration-token']);
// Worth another try after a pause.
const RETRYABLE = new Set([
  'internal-error',
  'server-unavailable',
  'message-rate-exceeded',
  'device-message-rate-exceeded',
  'unknown-error',
  'network-error',
  'network-timeout',
]);

type Verdict = 'dead' | 'retry' | 'failed';

// `messaging/registration-token-not-registered` → `registration-token-not-registered`.
export function classifyFcmError(error: { code?: string; message?: string } | undefined): Verdict {
  const code = (error?.code ?? '').replace(/^[a-z]+\//, '');
  if (DEAD.has(code)) return 'dead';
  // invalid-argument is about the token only when FCM says so (otherwise the message itself is wrong).
  if (code === 'invalid-argument' && /registration token/i.test(error?.message ?? '')) return 'dead';
  return RETRYABLE.has(code) ? 'retry' : 'failed';
}

// FCM through firebase-admin (one App per process, built by PushChannels): one multicast to all of
// a user's mobile tokens; per-token retries of retryable errors with backoff, dead tokens reported.
export class FcmPushSender implements PushSender {
  readonly name = 'fcm';
  private readonly logger = new Logger('Push:fcm');

  constructor(
    private readonly messaging: Messaging,
    private readonly push: Pick<PushConfig, 'maxAttempts'>,
  ) {}

  async send(tokens: readonly string[], notification: PushNotification): Promise<PushOutcome> {
    const outcome: PushOutcome = { delivered: 0, deadTokens: [], failed: 0 };
    let pending = [...tokens];
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      const retry = await this.sendOnce(pending, notification, outcome);
      if (retry.length > 0 && attempt >= this.push.maxAttempts) {
        outcome.failed += retry.length;
        this.logger.warn({ tokens: retry.length }, 'FCM push failed after retries');
        break;
      }
      if (retry.length > 0) await sleep(500 * 2 ** (attempt - 1));
      pending = retry;
    }
    return outcome;
  }

  // Sends to `tokens`, counts the settled ones into `outcome`, returns the tokens to retry.
  private async sendOnce(tokens: string[], notification: PushNotification, outcome: PushOutcome): Promise<string[]> {
    let batch: BatchResponse;
    try {
      batch = await this.messaging.sendEachForMulticast(this.message(tokens, notification));
    } catch (error) {
      // The whole call failed (nothing was sent): the same verdicts apply to every token.
      const verdict = classifyFcmError(error as { code?: string; message?: string });
      if (verdict === 'retry') return tokens;
      this.logger.warn({ code: (error as { code?: string }).code }, 'FCM multicast rejected');
      outcome.failed += tokens.length;
      return [];
    }
    const retry: string[] = [];
    batch.responses.forEach((response, index) => {
      const token = tokens[index];
      if (response.success) {
        outcome.delivered += 1;
        return;
      }
      const verdict = classifyFcmError(response.error);
      if (verdict === 'dead') outcome.deadTokens.push(token);
      else if (verdict === 'retry') retry.push(token);
      else {
        outcome.failed += 1;
        this.logger.warn({ code: response.error?.code }, 'FCM push rejected');
      }
    });
    return retry;
  }

  // api.md › Push payloads: one collapse key / tag / thread per conversation or ticket, so a newer
  // push replaces the older on the device; the badge is the user's unread total.
  private message(tokens: string[], notification: PushNotification): MulticastMessage {
    const key = itemKey(notification.data);
    return {
      tokens,
      notification: { title: notification.title, body: notification.body },
      data: { ...notification.data },
      android: { priority: 'high', collapseKey: key, notification: { tag: key, notificationCount: notification.badge } },
      apns: { headers: { 'apns-collapse-id': key }, payload: { aps: { badge: notification.badge, threadId: key, sound: 'default' } } },
    };
  }
}
