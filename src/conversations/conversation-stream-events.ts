import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { EventRecipients } from '../events/event-recipients';
import { fanOut, type NewUserEvent } from '../events/stream-event';
import { UserEventsService } from '../events/user-events.service';
import type { IntercomConversation } from '../intercom/intercom.service';
import { type ConversationSnapshot, fromStored, type SnapshotChange } from './conversation-snapshot';

// Topics that change what conversation.updated reports (state, snooze, the CSAT tag).
const CONVERSATION_STATE_TOPICS = new Set([
  'conversation.admin.closed',
  'conversation.admin.snoozed',
  'conversation.admin.unsnoozed',
  'conversation.admin.opened',
  'conversation_part.tag.created',
]);
// A conversation's stream events (message.created, conversation.updated), from the same change
// that updates the poll snapshot, so the stream and polls never disagree. Dedupe keys name the
// Intercom part or state change, so a redelivery (or our own write, then its webhook) is logged once.
@Injectable()
export class ConversationStreamEvents {
  constructor(
    private readonly recipients: EventRecipients,
    private readonly log: UserEventsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async forConversation(
    topic: string,
    conversation: IntercomConversation,
    change: SnapshotChange,
    userIds?: readonly string[],
  ): Promise<NewUserEvent[]> {
    const { next, current, previous } = change;
    const recipients = userIds ?? (await this.recipients.usersOf(conversation.contacts?.contacts ?? []));
    if (recipients.length === 0) return [];
    const events: Omit<NewUserEvent, 'userId'>[] = [];
    const oldest = Date.now() - this.config.stream.retentionHours * 3600_000;
    for (const message of next.messages) {
      // Older than the log keeps: its dedupe key may be gone, and it is no news.
      if (message.createdAt < oldest) continue;
      const shown = current.messages.find((candidate) => candidate.id === message.id) ?? message;
      events.push({
        type: 'message.created',
        payload: { conversationId: next.id, message: fromStored(shown) },
        dedupeKey: `message:${message.id}`,
      });
    }
    const rated = this.isRated(next);
    const changed =
      previous !== undefined &&
      (previous.state !== next.state || previous.snoozedUntil !== next.snoozedUntil || this.isRated(previous) !== rated);
    // A state topic reports its own state unless it is older; any other topic (a reply that reopens)
    // only when strictly newer than what polls showed, so a late reply webhook cannot undo a close.
    const newer = previous !== undefined && next.updatedAt > previous.updatedAt;
    if (!change.stale && (CONVERSATION_STATE_TOPICS.has(topic) || (changed && newer))) {
      events.push({
        type: 'conversation.updated',
        payload: { conversationId: next.id, state: next.state, snoozedUntil: next.snoozedUntil, rated },
        dedupeKey: `conversation:${next.id}:${next.updatedAt}:${next.state}:${next.snoozedUntil ?? ''}:${rated}`,
      });
    }
    return fanOut(recipients, events);
  }

  // The user's own write through the BFF (reply, close), for their other devices; `topic` is the
  // webhook Intercom sends for the same change (see UserEventsService.recordOwnWrite).
  async recordOwnWrite(userId: string, topic: string, conversation: IntercomConversation, change: SnapshotChange): Promise<void> {
    await this.log.recordOwnWrite(userId, () => this.forConversation(topic, conversation, change, [userId]));
  }

  private isRated(snapshot: ConversationSnapshot): boolean {
    return snapshot.tags.includes(this.config.csat.tagName);
  }
}
