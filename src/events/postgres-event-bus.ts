import { Injectable } from '@nestjs/common';
import { PostgresNotifications } from '../database/postgres-notifications';
import type { EventBus, UserHead } from './event-bus';

const CHANNEL = 'user_events';

// The bus on the instance's existing LISTEN/NOTIFY connection. Payload `<seq>:<userId>` (user ids
// may contain ':'); one NOTIFY per user per commit, far below NOTIFY's 8000-byte cap.
@Injectable()
export class PostgresEventBus implements EventBus {
  private readonly handlers: ((head: UserHead) => void)[] = [];

  constructor(private readonly notifications: PostgresNotifications) {
    notifications.listen(CHANNEL, (payload) => this.receive(payload));
  }

  publish(heads: readonly UserHead[]): Promise<void> {
    return this.notifications.notify(
      CHANNEL,
      heads.map((head) => `${head.seq}:${head.userId}`),
    );
  }

  subscribe(handler: (head: UserHead) => void): void {
    this.handlers.push(handler);
  }

  onGap(handler: () => void): void {
    this.notifications.onReconnect(handler);
  }

  private receive(payload: string): void {
    const separator = payload.indexOf(':');
    const seq = Number(payload.slice(0, separator));
    if (separator < 1 || !Number.isSafeInteger(seq)) return;
    const head = { userId: payload.slice(separator + 1), seq };
    for (const handler of this.handlers) handler(head);
  }
}
