import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { isShownToCustomer } from '../conversations/conversation-snapshot';
import { ConversationSnapshotsService } from '../conversations/conversation-snapshots.service';
import { IntercomStreamEvents } from '../events/intercom-stream-events';
import type { NewUserEvent } from '../events/stream-event';
import { type IntercomConversation, type IntercomTicket, withTicketStateObject } from '../intercom/intercom.service';
import type { IntercomPartLike } from '../messages/message.mapper';
import { conversationTrigger, ticketTrigger } from '../notifications/notification-content';
import { PushDecisionsService } from '../notifications/push-decisions.service';
import { userIdsOf } from '../notifications/push-recipients';
import { isCustomerFacing } from '../tickets/ticket.mapper';
import { type Db, operatorMessagesOf, UnreadIndexService } from '../unread/unread-index.service';

// What an event decided, acted on after the commit: pushes to send, stream events to append
// (the worker appends them last in the same transaction).
export interface EffectOutcome {
  deliveries: string[];
  streamEvents: NewUserEvent[];
}

const NOTHING: EffectOutcome = { deliveries: [], streamEvents: [] };

interface NotificationPayload {
  data?: { item?: { type?: unknown; id?: unknown } };
}

// What one recorded Intercom event does, inside the worker's transaction (db): the poll snapshot,
// the unread index, the push decisions and the stream events (made from the same conversation object
// as the snapshot). Returns the deliveries to send after the commit and the events to log; no
// network call happens here. Safe to run again: every write is keyed by Intercom's part ids.
@Injectable()
export class WebhookEffects {
  constructor(
    private readonly snapshots: ConversationSnapshotsService,
    private readonly unread: UnreadIndexService,
    private readonly pushes: PushDecisionsService,
    private readonly streamEvents: IntercomStreamEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async apply(topic: string, payload: unknown, db: Db): Promise<EffectOutcome> {
    const item = (payload as NotificationPayload | null)?.data?.item;
    if (!item || typeof item.id !== 'string') return NOTHING;
    if (topic === 'conversation.deleted') {
      // Identifiers only ("The *.deleted webhook topics send a minimal identification payload"):
      // every instance drops its snapshot, and the next read finds the conversation gone.
      await this.snapshots.invalidate(item.id);
      return NOTHING;
    }
    if (item.type === 'conversation' && topic.startsWith('conversation')) {
      return this.applyConversation(topic, item as IntercomConversation, db);
    }
    if (item.type === 'ticket' && topic.startsWith('ticket.')) {
      const ticket = withTicketStateObject(item as IntercomTicket);
      // Back-office and tracker tickets are invisible to customers: nothing to tell them.
      if (!isCustomerFacing(ticket)) return NOTHING;
      const userIds = await userIdsOf(db, ticket.contacts?.contacts ?? []);
      const streamEvents = await this.streamEvents.forTicket(topic, ticket, userIds);
      const trigger = ticketTrigger(topic, ticket, this.config.intercom.adminId, this.config.push.previewLength);
      return { deliveries: trigger ? await this.pushes.decide(db, userIds, trigger) : [], streamEvents };
    }
    return NOTHING;
  }

  private async applyConversation(topic: string, conversation: IntercomConversation, db: Db): Promise<EffectOutcome> {
    // Every instance's poll snapshot follows (LISTEN/NOTIFY inside the snapshot service).
    const change = await this.snapshots.applyFromWebhook(conversation);
    const userIds = await userIdsOf(db, conversation.contacts?.contacts ?? []);
    const streamEvents = await this.streamEvents.forConversation(topic, conversation, change, userIds);
    await this.unread.record(db, userIds, conversation.id, operatorMessagesOf(conversation));
    if (topic === 'conversation.user.replied') await this.markSeenByReply(db, conversation);
    // A broadcast the customer never answered is not theirs to be told about (isShownToCustomer).
    if (!isShownToCustomer(conversation)) return NOTHING;
    const trigger = conversationTrigger(topic, conversation, this.config.intercom.adminId, this.config.push.previewLength);
    return { deliveries: trigger ? await this.pushes.decide(db, userIds, trigger) : [], streamEvents };
  }

  // A user who replied (from any device or the Messenger) has read what came before the reply.
  private async markSeenByReply(db: Db, conversation: IntercomConversation): Promise<void> {
    const parts = (conversation.conversation_parts?.conversation_parts ?? []) as IntercomPartLike[];
    const reply = parts.findLast((part) => part.part_type === 'comment' && part.author?.type === 'user');
    if (!reply?.author?.id || !reply.created_at) return;
    const author = (conversation.contacts?.contacts ?? []).filter((contact) => contact.id === reply.author!.id);
    for (const userId of await userIdsOf(db, author.length ? author : [{ id: reply.author.id }])) {
      await this.unread.markSeenUpTo(db, userId, conversation.id, reply.created_at * 1000 - 1);
    }
  }
}
