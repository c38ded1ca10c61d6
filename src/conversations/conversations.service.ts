import { Inject, Injectable, Logger } from '@nestjs/common';
import type { SessionUser } from '../auth/auth.decorators';
import { isDigits } from '../common/digits';
import { AppError } from '../common/errors';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { CsatService } from '../csat/csat.service';
import { FilesService } from '../files/files.service';
import { IntercomUnavailableError } from '../intercom/intercom-errors';
import { type IntercomConversation, IntercomService } from '../intercom/intercom.service';
import { ClientMessagesService } from '../messages/client-messages.service';
import type { MessageDto } from '../messages/message.dto';
import { textToHtml, toMessage } from '../messages/message.mapper';
import type { ReplyDto } from '../messages/reply.dto';
import { UserLanguagesService } from '../user-languages/user-languages.service';
import { type OperatorMessage, UnreadIndexService } from '../unread-index/unread-index.service';
import { UnreadReadsService } from '../unread-index/unread-reads.service';
import { type ConversationSnapshot, fromStored } from './conversation-snapshot';
import { ConversationSnapshotsService } from './conversation-snapshots.service';
import { ConversationStreamEvents } from './conversation-stream-events';
import { ConversationStarterService } from './conversation-starter.service';
import type {
  CloseResponseDto,
  ConversationDetailDto,
  ConversationListDto,
  ConversationSummaryDto,
  CreateConversationDto,
  QuickReplyAnswerDto,
} from './dto/conversation.dto';

// Intercom conversation ids are numeric strings; anything else cannot be one of the caller's.
const CONVERSATION_ID_MAX_DIGITS = 24;
const LIST_LIMIT = 50;
const LIST_CONCURRENCY = 4;

const conversationNotFound = () => new AppError('not_found', 'Conversation not found');

@Injectable()
export class ConversationsService {
  private readonly logger = new Logger(ConversationsService.name);

  constructor(
    private readonly intercom: IntercomService,
    private readonly snapshots: ConversationSnapshotsService,
    private readonly starter: ConversationStarterService,
    private readonly clientMessages: ClientMessagesService,
    private readonly files: FilesService,
    private readonly csat: CsatService,
    private readonly streamEvents: ConversationStreamEvents,
    private readonly unread: UnreadIndexService,
    private readonly unreadReads: UnreadReadsService,
    private readonly languages: UserLanguagesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(user: SessionUser): Promise<ConversationListDto> {
    const contactId = await this.intercom.contactIdFor(user);
    const found = (await this.intercom.searchConversations(contactId))
      .sort((left, right) => (right.updated_at ?? 0) - (left.updated_at ?? 0))
      .slice(0, LIST_LIMIT);
    const snapshots: ConversationSnapshot[] = [];
    for (let index = 0; index < found.length; index += LIST_CONCURRENCY) {
      const batch = found
        .slice(index, index + LIST_CONCURRENCY)
        .map((conversation) => Promise.resolve(this.snapshots.get(conversation.id)));
      for (const snapshot of await Promise.all(batch)) if (snapshot?.shown && snapshot.contactIds.has(contactId)) snapshots.push(snapshot); // gone since the search: not listed
    }
    const ids = snapshots.map((snapshot) => snapshot.id);
    // The list has seen every conversation of the user: the unread index is built (or caught up) from it.
    for (const snapshot of snapshots) await this.indexSnapshot(user.userId, snapshot);
    await this.unread.markWarm(user.userId);
    const [unreadCounts, ratedHere] = await Promise.all([
      this.unread.countsFor(user.userId, ids),
      this.csat.ratedConversationIds(user.userId, ids),
    ]);
    const conversations = snapshots
      .map((snapshot): ConversationSummaryDto => ({
        id: snapshot.id,
        title: snapshot.title,
        state: snapshot.state,
        snoozedUntil: snapshot.snoozedUntil,
        unreadCount: unreadCounts.get(snapshot.id) ?? 0,
        lastMessage: lastMessage(snapshot),
        createdAt: snapshot.createdAt,
        updatedAt: Math.max(snapshot.updatedAt, snapshot.messages.at(-1)?.createdAt ?? 0),
        rated: this.isRated(snapshot) || ratedHere.has(snapshot.id),
      }))
      .sort((left, right) => right.updatedAt - left.updatedAt);
    return { conversations };
  }

  async create(user: SessionUser, dto: CreateConversationDto, clientIp: string): Promise<ConversationDetailDto> {
    if (!dto.body && !dto.reason) throw new AppError('validation_error', 'body or reason is required');
    // Each topic becomes a workspace-wide Intercom tag: with a configured list, only those.
    const topics = this.config.conversations.topics;
    if (dto.reason && topics && !topics.includes(dto.reason.main)) {
      throw new AppError('validation_error', `reason.main must be one of: ${topics.join(', ')}`);
    }
    const attachments = await this.files.attachmentsFor(user.userId, dto.attachmentIds ?? []);
    const contactId = await this.intercom.contactIdFor(user);
    const conversationId = await this.clientMessages.runOnce<string>(
      { userId: user.userId, clientMessageId: dto.clientMessageId, scope: 'conversation.create' },
      async (checkpoint) => {
        const started = await this.starter.start(user, contactId, dto, attachments, (conversationId) =>
          checkpoint({ result: conversationId, targetId: conversationId }),
        );
        return { result: started, targetId: started };
      },
    );
    await this.starter.enrichContact(contactId, dto.meta, clientIp);
    // The contact's locale (app_locale) is also the language of the user's pushes.
    await this.languages.rememberContactLocale(user.userId, dto.meta?.locale);
    return this.get(user, conversationId);
  }

  async get(user: SessionUser, conversationId: string): Promise<ConversationDetailDto> {
    const snapshot = await this.owned(user, conversationId);
    await this.indexSnapshot(user.userId, snapshot);
    const [unreadCounts, rating] = await Promise.all([
      this.unread.countsFor(user.userId, [conversationId]),
      this.csat.ratingForConversation(user.userId, conversationId),
    ]);
    return {
      id: snapshot.id,
      title: snapshot.title,
      state: snapshot.state,
      snoozedUntil: snapshot.snoozedUntil,
      // The tag may still be on its way to Intercom (retried durably); our own table already knows.
      rated: this.isRated(snapshot) || rating !== null,
      rating,
      unreadCount: unreadCounts.get(conversationId) ?? 0,
      createdAt: snapshot.createdAt,
      updatedAt: snapshot.updatedAt,
      messages: snapshot.messages.map(fromStored),
    };
  }

  // The hot path. On a warm snapshot with the caller's contact known it answers synchronously,
  // touching neither Postgres nor Intercom (nor creating a promise); otherwise it loads both. The
  // answer is PollResponseDto as JSON text, assembled from the snapshot's pre-serialised messages.
  poll(user: SessionUser, conversationId: string, since: number): string | Promise<string> {
    if (!isDigits(conversationId, CONVERSATION_ID_MAX_DIGITS)) throw conversationNotFound();
    // Before the snapshot lookup, which would fetch a missing conversation from Intercom again.
    if (this.snapshots.isNotYours(conversationId, user.userId)) throw conversationNotFound();
    const contactId = this.intercom.knownContactId(user.userId);
    const snapshot = this.snapshots.get(conversationId);
    if (contactId && !(snapshot instanceof Promise)) {
      if (!snapshot.shown || !snapshot.contactIds.has(contactId)) throw conversationNotFound();
      return this.pollResponse(snapshot, since);
    }
    return this.owned(user, conversationId).then((owned) => this.pollResponse(owned, since));
  }

  private pollResponse(snapshot: ConversationSnapshot, since: number): string {
    const messages = snapshot.messages;
    let first = messages.length;
    while (first > 0 && messages[first - 1].createdAt > since) first -= 1;
    let json = '';
    for (let index = first; index < messages.length; index += 1) json += (index > first ? ',' : '') + messages[index].json;
    const latestTimestamp = first < messages.length ? messages[messages.length - 1].createdAt : since;
    return `{"messages":[${json}],"latestTimestamp":${latestTimestamp},"state":${JSON.stringify(snapshot.state)},"snoozedUntil":${snapshot.snoozedUntil ?? 'null'},"rated":${this.isRated(snapshot)}}`;
  }

  async markRead(user: SessionUser, conversationId: string): Promise<void> {
    const snapshot = await this.owned(user, conversationId);
    // Up to the newest message the user can have seen (served from this same snapshot).
    const readUpTo = snapshot.messages.at(-1)?.createdAt ?? 0;
    await this.unreadReads.seen(user.userId, conversationId, operatorMessages(snapshot), readUpTo);
    // Operators see "seen" in Intercom; our own read mark does not depend on it.
    this.intercom
      .markRead(conversationId)
      .catch((error: unknown) => this.logger.warn({ err: error, conversationId }, 'Could not mark read in Intercom'));
  }

  async close(user: SessionUser, conversationId: string): Promise<CloseResponseDto> {
    await this.owned(user, conversationId);
    const conversation = await this.intercom.close(conversationId);
    const change = await this.snapshots.applyOwnWrite(conversation);
    // The user's other devices hear of it (the close is made as our admin: that is its webhook).
    await this.streamEvents.recordOwnWrite(user.userId, 'conversation.admin.closed', conversation, change);
    return { state: 'closed', csatPrompt: true };
  }

  async reply(user: SessionUser, conversationId: string, dto: ReplyDto): Promise<MessageDto> {
    const snapshot = await this.owned(user, conversationId);
    const attachmentUrls = await this.files.signedUrlsForAttachments(user.userId, dto.attachmentIds ?? []);
    return this.postAsUser(user, snapshot, { scope: 'conversation.reply', clientMessageId: dto.clientMessageId }, (contactId) =>
      this.intercom.replyAsUser(conversationId, contactId, textToHtml(dto.body), attachmentUrls),
    );
  }

  // The customer picks one option of an operator's or bot's quick reply; Intercom records it as
  // their message with the option's text. The option comes from the offered message, never from
  // the client, so the customer cannot put words on a button that were not there.
  async answerQuickReply(user: SessionUser, conversationId: string, dto: QuickReplyAnswerDto): Promise<MessageDto> {
    const snapshot = await this.owned(user, conversationId);
    const messages = snapshot.messages.map(fromStored);
    const index = messages.findIndex((message) => message.id === dto.messageId && message.quickReplyOptions);
    // A message id the conversation does not hold as a quick reply names nothing: 404, as for any
    // resource that is not there (a 400 is for what the schema refuses, and this id fits it).
    if (index === -1)
      throw new AppError('not_found', 'messageId is not a quick reply (a message with quickReplyOptions) of this conversation');
    const offered = messages[index].quickReplyOptions!;
    const option = offered.find((candidate) => candidate.uuid === dto.uuid);
    if (!option) throw new AppError('validation_error', `uuid must be one of the quickReplyOptions of message ${dto.messageId}`);
    return this.postAsUser(user, snapshot, { scope: 'conversation.quick_reply', clientMessageId: dto.clientMessageId }, (contactId) => {
      // Checked inside the idempotent run, so a retry of an answer that went through replays it.
      const later = messages.slice(index + 1);
      if (later.some((message) => message.quickReplyOptions))
        throw new AppError('conflict', 'A newer quick reply replaced this one; answer that one or reply in text');
      const offeredUuids = new Set(offered.map((candidate) => candidate.uuid));
      if (later.some((message) => message.author.type === 'user' && message.quickReplyUuid && offeredUuids.has(message.quickReplyUuid)))
        throw new AppError('conflict', 'This quick reply was answered already');
      return this.intercom.answerQuickReply(snapshot.id, contactId, option);
    });
  }

  // A message of the customer's own, posted once per clientMessageId: Intercom's answer goes into
  // the poll snapshot, the user's stream and their read mark before the message is returned.
  private async postAsUser(
    user: SessionUser,
    snapshot: ConversationSnapshot,
    key: { scope: 'conversation.reply' | 'conversation.quick_reply'; clientMessageId: string | undefined },
    send: (contactId: string) => Promise<IntercomConversation>,
  ): Promise<MessageDto> {
    const conversationId = snapshot.id;
    const contactId = await this.intercom.contactIdFor(user);
    return this.clientMessages.runOnce(
      { userId: user.userId, clientMessageId: key.clientMessageId, scope: key.scope, targetId: conversationId },
      async (checkpoint) => {
        let conversation = await send(contactId);
        const part = this.newestUserPart(conversation, contactId);
        const partId = part?.id;
        // Intercom holds the message: from here a retry gets it back, whatever fails below (#15 item 4).
        if (part && partId) {
          const labels = new Map(key.clientMessageId ? [[partId, key.clientMessageId]] : []);
          await checkpoint({ result: toMessage(part, labels), partId });
        }
        // Intercom reopens on a customer reply; make sure of it so the customer is never talking to a closed door.
        if (snapshot.state === 'closed' && conversation.state === 'closed') {
          // Best effort: the reply is posted either way, and failing now would invite a duplicate.
          conversation = await this.intercom.open(conversationId).catch((error: unknown) => {
            this.logger.warn({ err: error, conversationId }, 'Could not reopen after a reply');
            return conversation;
          });
        }
        if (key.clientMessageId && partId) this.snapshots.rememberClientMessage(conversationId, partId, key.clientMessageId);
        const change = await this.snapshots.applyOwnWrite(conversation);
        const stored = change.current.messages.find((candidate) => candidate.id === partId);
        if (!stored) throw new IntercomUnavailableError('Intercom did not return the reply');
        await this.streamEvents.recordOwnWrite(user.userId, 'conversation.user.replied', conversation, change);
        // Replying means having read what came before the reply.
        await this.unreadReads.seen(
          user.userId,
          conversationId,
          operatorMessages(change.current).filter((message) => message.createdAt < stored.createdAt),
        );
        return { result: { ...fromStored(stored), clientMessageId: key.clientMessageId ?? null }, partId };
      },
    );
  }

  // Ownership: the conversation must list the caller's contact; any other id is "not found".
  // A "not found" is remembered per user for a freshness window, or until the conversation changes
  // (#15 item 5): polling an id that is not yours, or does not exist, costs Intercom at most one
  // call per window. (A conversation that exists is cached as a snapshot anyway; a missing one not.)
  private async owned(user: SessionUser, conversationId: string): Promise<ConversationSnapshot> {
    if (!isDigits(conversationId, CONVERSATION_ID_MAX_DIGITS)) throw conversationNotFound();
    if (this.snapshots.isNotYours(conversationId, user.userId)) throw conversationNotFound();
    const [contactId, snapshot] = await Promise.all([this.intercom.contactIdFor(user), this.snapshots.get(conversationId)]);
    if (!snapshot?.shown || !snapshot.contactIds.has(contactId)) {
      this.snapshots.rememberNotYours(conversationId, user.userId);
      throw conversationNotFound();
    }
    return snapshot;
  }

  private newestUserPart(conversation: IntercomConversation, contactId: string) {
    const parts = conversation.conversation_parts?.conversation_parts ?? [];
    for (let index = parts.length - 1; index >= 0; index -= 1) {
      const part = parts[index];
      if (part.part_type === 'comment' && part.author?.type === 'user' && (!part.author.id || part.author.id === contactId)) return part;
    }
    return undefined;
  }

  private isRated(snapshot: ConversationSnapshot): boolean {
    return snapshot.tags.includes(this.config.csat.tagName);
  }

  // Operator messages the index has not seen yet (no webhook brought them) are added; the read mark decides.
  private async indexSnapshot(userId: string, snapshot: ConversationSnapshot): Promise<void> {
    await this.unread.recordNow([userId], snapshot.id, operatorMessages(snapshot));
  }
}

function operatorMessages(snapshot: ConversationSnapshot): OperatorMessage[] {
  return snapshot.messages
    .filter((message) => message.fromOperator)
    .map((message) => ({ partId: message.id, createdAt: message.createdAt }));
}

function lastMessage(snapshot: ConversationSnapshot): MessageDto | null {
  const last = snapshot.messages.at(-1);
  return last ? fromStored(last) : null;
}
