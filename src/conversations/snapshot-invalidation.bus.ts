import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PostgresNotifications } from '../database/postgres-notifications';

const CHANNEL = 'conversation_snapshot_invalidations';

// Carries "conversation X changed" between instances through Postgres LISTEN/NOTIFY, so scaling
// out needs nothing but the database we already have.
@Injectable()
export class SnapshotInvalidationBus {
  private readonly instanceId = randomUUID();
  private handler: (conversationId: string) => void = () => undefined;

  constructor(private readonly notifications: PostgresNotifications) {
    notifications.listen(CHANNEL, (payload) => this.receive(payload));
  }

  onInvalidation(handler: (conversationId: string) => void): void {
    this.handler = handler;
  }

  publish(conversationId: string): Promise<void> {
    return this.notifications.notify(CHANNEL, [`${this.instanceId}:${conversationId}`]);
  }

  private receive(payload: string): void {
    const separator = payload.indexOf(':');
    if (separator < 0 || payload.slice(0, separator) === this.instanceId) return;
    this.handler(payload.slice(separator + 1));
  }
}
