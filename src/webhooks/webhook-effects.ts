import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { isShownToCustomer } from '../conversations/conversation-snapshot';
import type { SnapshotChange } from '../conversations/conversation-snapshot';
import { ConversationSnapshotsService } from '../conversations/conversation-snapshots.service';
import { ConversationStreamEvents } from '../conversations/conversation-stream-events';
import type { NewUserEvent } from '../events/stream-event';
import { type IntercomConversation, type IntercomTicket, withTicketStateObject } from '../intercom/intercom.service';
import type { IntercomPartLike } from '../messages/message.mapper';
import { conversationTrigger, type PushTrigger, ticketTrigger } from '../notifications/notification-content';
import { userIdsOf } from '../notifications/push-recipients';
import { TicketStreamEvents } from '../tickets/ticket-stream-events';
import { isCustomerFacing } from '../tickets/ticket.mapper';
import { type Db, operatorMessagesOf, type UnreadChange, UnreadIndexService } from '../unread-index/unread-index.service';

interface NotificationPayload {
  data?: { item?: { type?: unknown; id?: unknown } };
}

// A push an event calls for: decided by the worker once the event's stream events are in the log,
// so that each push names the stream event it is about.
export interface PushIntent {
  userIds: readonly string[];
  trigger: PushTrigger;
}

export interface EventEffects {
  // Stream events for the log (the worker appends them in the batch's transaction).
  events: NewUserEvent[];
  pushes: PushIntent[];
}

const NOTHING: EventEffects = { events: [], pushes: [] };
// Snapshot changes kept for events whose batch may run again (see apply): more than a few
// batches' worth only when batches keep failing, or their events were taken by another instance.
const REMEMBERED_CHANGES = 1000;

// What one recorded Intercom event does, inside the worker's transaction (db): the poll snapshot,
// the unread index, the stream events and the pushes it calls for. No network call happens here.
// Safe to run again: every write is keyed by Intercom's part ids (or state changes).
@Injectable()
export class WebhookEffects {
  // Event id → the poll snapshot change its first application made (see apply).
  private readonly changes = new LRUCache<string, SnapshotChange>({ max: REMEMBERED_CHANGES });

  constructor(
    private readonly snapshots: ConversationSnapshotsService,
    private readonly conversationEvents: ConversationStreamEvents,
    private readonly ticketEvents: TicketStreamEvents,
    private readonly unread: UnreadIndexService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // Before a batch's events are applied: what they will read outside the transaction (the poll
  // snapshots' contexts of their conversations), in a fixed number of queries for the batch.
  async prepare(events: readonly { topic: string; payload: unknown }[]): Promise<void> {
    const conversationIds = events
      .filter((event) => event.topic.startsWith('conversation') && event.topic !== 'conversation.deleted')
      .map((event) => (event.payload as NotificationPayload | null)?.data?.item)
      .filter((item) => item?.type === 'conversation' && typeof item.id === 'string')
      .map((item) => item!.id as string);
    await this.snapshots.prepareContexts(conversationIds);
  }

  // `eventId`: the same event applied again (its batch rolled back and taken again) reuses the
  // snapshot change of the first time. The snapshot in memory already holds that change, and
  // computing it again would compare the webhook with itself (a reply that reopened a closed
  // conversation would lose its conversation.updated). Call forget() once its batch committed.
  async apply(topic: string, payload: unknown, db: Db, eventId?: string): Promise<EventEffects> {
    const item = (payload as NotificationPayload | null)?.data?.item;
    if (!item || typeof item.id !== 'string') return NOTHING;
    if (topic === 'conversation.deleted') {
      // Identifiers only ("The *.deleted webhook topics send a minimal identification payload"):
      // every instance drops its snapshot, and the next read finds the conversation gone.
      await this.snapshots.invalidate(item.id);
      return NOTHING;
    }
    if (item.type === 'conversation' && topic.startsWith('conversation')) {
      return this.applyConversation(topic, item as IntercomConversation, db, eventId);
    }
    if (item.type === 'ticket' && topic.startsWith('ticket.')) {
      const ticket = withTicketStateObject(item as IntercomTicket);
      // Back-office and tracker tickets are invisible to customers: nothing to tell them.
      if (!isCustomerFacing(ticket)) return NOTHING;
      const userIds = await userIdsOf(db, ticket.contacts?.contacts ?? []);
      const events = await this.ticketEvents.forTicket(topic, ticket, userIds);
      const trigger = ticketTrigger(topic, ticket, this.config.intercom.adminId, this.config.push.previewLength);
      return { events, pushes: trigger ? [{ userIds, trigger }] : [] };
    }
    return NOTHING;
  }

  forget(eventIds: readonly string[]): void {
    for (const id of eventIds) this.changes.delete(id);
  }

  private async applyConversation(topic: string, conversation: IntercomConversation, db: Db, eventId?: string): Promise<EventEffects> {
    // Every instance's poll snapshot follows (LISTEN/NOTIFY inside the snapshot service).
    let change = eventId === undefined ? undefined : this.changes.get(eventId);
    if (!change) {
      change = await this.snapshots.applyFromWebhook(conversation);
      if (eventId !== undefined) this.changes.set(eventId, change);
    }
    const userIds = await userIdsOf(db, conversation.contacts?.contacts ?? []);
    const events = await this.conversationEvents.forConversation(topic, conversation, change, userIds);
    const unreadChanges = await this.unreadChanges(topic, conversation, userIds, db);
    // A broadcast the customer never answered is not theirs to be told about (isShownToCustomer).
    if (!isShownToCustomer(conversation)) return NOTHING;
    for (const { userId, ...payload } of unreadChanges) events.push({ userId, type: 'unread.changed', payload });
    const trigger = conversationTrigger(topic, conversation, this.config.intercom.adminId, this.config.push.previewLength);
    return { events, pushes: trigger ? [{ userIds, trigger }] : [] };
  }

  // The unread index after the conversation's operator messages are recorded: the new numbers of
  // each user whose count changed. One round trip, unless the user replied (their reply also
  // marks what came before it read, and the numbers are read after both).
  private async unreadChanges(topic: string, conversation: IntercomConversation, userIds: string[], db: Db): Promise<UnreadChange[]> {
    const messages = operatorMessagesOf(conversation);
    if (topic !== 'conversation.user.replied') return this.unread.recordAndCount(db, userIds, conversation.id, messages);
    const changed = new Set(await this.unread.record(db, userIds, conversation.id, messages));
    for (const userId of await this.markSeenByReply(db, conversation)) changed.add(userId);
    return this.unread.changes(db, [...changed], conversation.id);
  }

  // A user who replied (from any device or the Messenger) has read what came before the reply.
  // Returns the users whose unread count fell.
  private async markSeenByReply(db: Db, conversation: IntercomConversation): Promise<string[]> {
    const parts = (conversation.conversation_parts?.conversation_parts ?? []) as IntercomPartLike[];
    const reply = parts.findLast((part) => part.part_type === 'comment' && part.author?.type === 'user');
    if (!reply?.author?.id || !reply.created_at) return [];
    const author = (conversation.contacts?.contacts ?? []).filter((contact) => contact.id === reply.author!.id);
    const changed: string[] = [];
    for (const userId of await userIdsOf(db, author.length ? author : [{ id: reply.author.id }])) {
      if (await this.unread.markSeenUpTo(db, userId, conversation.id, reply.created_at * 1000 - 1)) changed.push(userId);
    }
    return changed;
  }
}
