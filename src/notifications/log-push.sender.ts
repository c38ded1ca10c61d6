import { Logger } from '@nestjs/common';
import type { PushNotification, PushOutcome, PushSender } from './push-sender';

// Dev default: a push is one log line (token suffixes only, never whole tokens).
export class LogPushSender implements PushSender {
  private readonly logger: Logger;

  constructor(readonly name: string) {
    this.logger = new Logger(`Push:${name}`);
  }

  send(tokens: readonly string[], notification: PushNotification): Promise<PushOutcome> {
    this.logger.log({ tokens: tokens.map((token) => `…${token.slice(-6)}`), ...notification }, 'Push (log sender)');
    return Promise.resolve({ delivered: tokens.length, deadTokens: [], failed: 0 });
  }
}
