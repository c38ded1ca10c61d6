import { Injectable } from '@nestjs/common';
import type { NewUserEvent } from '../events/stream-event';
import { UserEventsService } from '../events/user-events.service';
import { UnreadIndexRepository } from './unread-index.repository';
import { type OperatorMessage, UnreadIndexService } from './unread-index.service';

// The user's own reads and replies: the read mark, the index and `unread.changed` for the user's
// other devices, in one transaction (api.md › Realtime events: an event with its effect).
@Injectable()
export class UnreadReadsService {
  constructor(
    private readonly repository: UnreadIndexRepository,
    private readonly index: UnreadIndexService,
    private readonly log: UserEventsService,
  ) {}

  // `readUpTo` (Unix ms) moves the read mark too (a read; a reply leaves it where it was).
  async seen(userId: string, conversationId: string, messages: readonly OperatorMessage[], readUpTo?: number): Promise<void> {
    const appended = await this.repository.transaction(async (manager) => {
      if (readUpTo !== undefined) await this.repository.setReadMark(manager, userId, conversationId, readUpTo);
      if (!(await this.index.markSeen(manager, userId, conversationId, messages))) return [];
      const events: NewUserEvent[] = (await this.index.changes(manager, [userId], conversationId)).map(({ userId: owner, ...payload }) => ({
        userId: owner,
        type: 'unread.changed',
        payload,
      }));
      return this.log.append(manager, events);
    });
    await this.log.publish(appended);
  }
}
