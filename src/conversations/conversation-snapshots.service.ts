import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { type IntercomConversation, IntercomService } from '../intercom/intercom.service';
import { ClientMessagesService } from '../messages/client-messages.service';
import { MetricsService } from '../metrics/metrics.service';
import {
  buildSnapshot,
  type ConversationSnapshot,
  isNotOlder,
  mergeSnapshot,
  type SnapshotChange,
  type SnapshotContext,
} from './conversation-snapshot';
import type { ConversationTopic } from './conversation-topic.entity';
import { ConversationsRepository } from './conversations.repository';
import { SnapshotInvalidationBus } from './snapshot-invalidation.bus';

// The poll's hot path (architecture.md › The hot path): one in-memory snapshot per conversation,
// refreshed from Intercom at most once per freshness window (single flight), updated in place by
// our own writes and by webhooks, invalidated across instances through Postgres LISTEN/NOTIFY.
// Bounded by an LRU.
@Injectable()
export class ConversationSnapshotsService {
  private readonly snapshots: LRUCache<string, ConversationSnapshot>;
  private readonly contexts: LRUCache<string, SnapshotContext>;
  private readonly inFlight = new Map<string, Promise<ConversationSnapshot | undefined>>();
  // When each conversation last changed under us (our write, a webhook, an invalidation): a fetch
  // that started before that must not overwrite what is newer.
  private readonly changedAt: LRUCache<string, number>;
  // The users told "not found" for a conversation (missing, hidden, someone else's) within the
  // freshness window; dropped whenever the conversation changes. Undefined when the window is 0.
  private readonly notYours: LRUCache<string, Set<string>> | undefined;

  constructor(
    private readonly intercom: IntercomService,
    private readonly clientMessages: ClientMessagesService,
    private readonly bus: SnapshotInvalidationBus,
    private readonly topics: ConversationsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {
    this.snapshots = new LRUCache({ max: config.poll.maxSnapshots });
    this.contexts = new LRUCache({ max: config.poll.maxSnapshots });
    this.changedAt = new LRUCache({ max: config.poll.maxSnapshots });
    const ttl = config.poll.freshnessMs;
    this.notYours = ttl > 0 ? new LRUCache({ max: config.poll.maxSnapshots, ttl }) : undefined;
    bus.onInvalidation((conversationId) => this.forget(conversationId));
    metrics.onScrape(() => metrics.pollSnapshots.set(this.snapshots.size));
  }

  // Snapshots held now (bounded by POLL_MAX_SNAPSHOTS).
  get size(): number {
    return this.snapshots.size;
  }

  // A snapshot no older than the freshness window; concurrent callers share one Intercom fetch.
  // Undefined: Intercom has no such conversation.
  get(conversationId: string): Promise<ConversationSnapshot | undefined> | ConversationSnapshot {
    const cached = this.snapshots.get(conversationId);
    if (cached && Date.now() - cached.fetchedAt < this.config.poll.freshnessMs) {
      this.metrics.pollLookups.hit += 1;
      return cached;
    }
    this.metrics.pollLookups.miss += 1;
    let pending = this.inFlight.get(conversationId);
    if (!pending) {
      pending = this.load(conversationId).finally(() => this.inFlight.delete(conversationId));
      this.inFlight.set(conversationId, pending);
    }
    return pending;
  }

  isNotYours(conversationId: string, userId: string): boolean {
    return this.notYours !== undefined && this.notYours.size > 0 && this.notYours.get(conversationId)?.has(userId) === true;
  }

  // Adding a user does not extend the window the first one started.
  rememberNotYours(conversationId: string, userId: string): void {
    const users = this.notYours?.get(conversationId);
    if (users) users.add(userId);
    else this.notYours?.set(conversationId, new Set([userId]));
  }

  // Our own writes (reply, close) return the whole conversation: use it instead of refetching.
  async apply(conversation: IntercomConversation): Promise<ConversationSnapshot> {
    return (await this.applyOwnWrite(conversation)).current;
  }

  // As apply(), with what changed (for the stream events of the user's own write).
  async applyOwnWrite(conversation: IntercomConversation): Promise<SnapshotChange> {
    const next = buildSnapshot(conversation, await this.contextFor(conversation.id));
    const previous = this.snapshots.get(conversation.id);
    const current = previous ? mergeSnapshot(previous, next) : next;
    this.snapshots.set(conversation.id, current);
    this.changedAt.set(conversation.id, Date.now());
    this.notYours?.delete(conversation.id);
    await this.bus.publish(conversation.id);
    return { next, current, previous, stale: false };
  }

  // Webhook entry point: a conversation object from Intercom updates the local snapshot (no
  // Intercom call) and other instances drop theirs. The change is what stream events are made of.
  async applyFromWebhook(conversation: IntercomConversation): Promise<SnapshotChange> {
    this.changedAt.set(conversation.id, Date.now());
    this.notYours?.delete(conversation.id);
    const previous = this.snapshots.get(conversation.id);
    const next = buildSnapshot(conversation, await this.contextFor(conversation.id));
    let current = next;
    if (previous && isNotOlder(next, previous)) {
      current = mergeSnapshot(previous, next);
      this.snapshots.set(conversation.id, current);
    } else {
      // Webhooks arrive out of order; an older (or ambiguous) one must not undo a newer state.
      this.snapshots.delete(conversation.id);
    }
    // Not awaited: the webhook worker applies its events one after another, and would wait a
    // round trip on each; the invalidation leaves at once with the others (it never throws).
    void this.bus.publish(conversation.id);
    // Only a strictly older second is stale for the stream: within one second the webhook's own
    // state is the best we know (the snapshot, unsure, is dropped and refetched).
    return { next, current, previous, stale: previous !== undefined && next.updatedAt < previous.updatedAt };
  }

  // Webhook / ops entry point when only the id is known: the next poll refetches, everywhere.
  async invalidate(conversationId: string): Promise<void> {
    this.forget(conversationId);
    await this.bus.publish(conversationId);
  }

  rememberClientMessage(conversationId: string, partId: string, clientMessageId: string): void {
    const context = this.contexts.get(conversationId);
    if (context)
      this.contexts.set(conversationId, { ...context, clientMessageIds: new Map(context.clientMessageIds).set(partId, clientMessageId) });
  }

  private forget(conversationId: string): void {
    this.changedAt.set(conversationId, Date.now());
    this.notYours?.delete(conversationId);
    this.snapshots.delete(conversationId);
    this.contexts.delete(conversationId);
  }

  private async load(conversationId: string): Promise<ConversationSnapshot | undefined> {
    const startedAt = Date.now();
    const [conversation, context] = await Promise.all([this.intercom.getConversation(conversationId), this.contextFor(conversationId)]);
    if (!conversation) return undefined;
    const snapshot = buildSnapshot(conversation, context);
    if ((this.changedAt.get(conversationId) ?? 0) >= startedAt) {
      // Changed while we fetched: keep the newer snapshot (or none, so the next read refetches).
      return this.snapshots.get(conversationId) ?? snapshot;
    }
    this.snapshots.set(conversationId, snapshot);
    return snapshot;
  }

  // The contexts of many conversations in two queries (the webhook worker, before a batch), so
  // that applying each event finds its context cached instead of reading it on its own.
  async prepareContexts(conversationIds: readonly string[]): Promise<void> {
    const missing = [...new Set(conversationIds)].filter((id) => !this.contexts.has(id));
    if (missing.length === 0) return;
    const [clientMessageIds, topics] = await Promise.all([
      this.clientMessages.clientMessageIdsForTargets(missing),
      this.topics.topicsOf(missing),
    ]);
    const topicOf = new Map(topics.map((topic) => [topic.conversationId, topic]));
    for (const id of missing) {
      // Filled meanwhile (our own write, or a read that started earlier): that one is as new.
      if (!this.contexts.has(id))
        this.contexts.set(id, contextOf(clientMessageIds.get(id) ?? new Map<string, string>(), topicOf.get(id) ?? null));
    }
  }

  private async contextFor(conversationId: string): Promise<SnapshotContext> {
    const cached = this.contexts.get(conversationId);
    if (cached) return cached;
    const [clientMessageIds, topic] = await Promise.all([
      this.clientMessages.clientMessageIdsFor(undefined, conversationId),
      this.topics.topicOf(conversationId),
    ]);
    const context = contextOf(clientMessageIds, topic);
    this.contexts.set(conversationId, context);
    return context;
  }
}

function contextOf(clientMessageIds: Map<string, string>, topic: ConversationTopic | null): SnapshotContext {
  return {
    clientMessageIds,
    hideSource: topic !== null,
    topicTitle: topic ? [topic.main, topic.sub].filter(Boolean).join(' › ') : undefined,
  };
}
