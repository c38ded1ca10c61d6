import { Injectable, Logger } from '@nestjs/common';
import type { SnapshotChange } from '../conversations/conversation-snapshot';
import type { IntercomConversation } from '../intercom/intercom.service';
import type { MessageDto } from '../messages/message.dto';
import { IntercomStreamEvents } from './intercom-stream-events';
import { UserEventsService } from './user-events.service';

// Stream events of the user's own writes through the BFF (reply, close), for the user's other
// devices. The state change lives in Intercom, which answered already; the log is written right
// after, with the dedupe keys the webhook that follows will carry, so a crash in between loses
// nothing (the webhook logs it) and nothing is logged twice. Never fails the user's request.
@Injectable()
export class OwnWriteEvents {
  private readonly logger = new Logger('OwnWriteEvents');

  constructor(
    private readonly streamEvents: IntercomStreamEvents,
    private readonly log: UserEventsService,
  ) {}

  // `topic` is the webhook Intercom sends for the same change.
  async conversation(userId: string, topic: string, conversation: IntercomConversation, change: SnapshotChange): Promise<void> {
    await this.record(userId, async () => this.streamEvents.forConversation(topic, conversation, change, [userId]));
  }

  async ticketMessage(userId: string, ticketId: string, message: MessageDto): Promise<void> {
    await this.record(userId, async () => [
      { userId, type: 'ticket.message.created', payload: { ticketId, message }, dedupeKey: `ticket-part:${message.id}` },
    ]);
  }

  private async record(userId: string, build: () => Promise<Parameters<UserEventsService['record']>[0]>): Promise<void> {
    try {
      await this.log.record(await build());
    } catch (error) {
      this.logger.warn({ err: error, userId }, 'Could not log the stream event of a user write (its webhook will)');
    }
  }
}
