import { Inject, Injectable, Logger } from '@nestjs/common';
import type { SessionUser } from '../auth/auth.decorators';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { IntercomUnknownAttributeError } from '../intercom/intercom-errors';
import { IntercomService } from '../intercom/intercom.service';
import { ConversationSnapshotsService } from './conversation-snapshots.service';
import { ConversationsRepository } from './conversations.repository';
import type { CreateConversationDto } from './dto/conversation.dto';
import type { AttachmentLink } from '../files/files.service';
import { textToHtml } from '../messages/message.mapper';

// meta keys we pass on to the Intercom contact, and the custom attribute each becomes.
const META_ATTRIBUTES: Record<string, string> = {
  appVersion: 'app_version',
  platform: 'app_platform',
  osVersion: 'os_version',
  locale: 'app_locale',
  device: 'device_model',
  browser: 'browser',
  timezone: 'timezone',
  screen: 'screen',
};

// Opening a conversation: with the user's words, or from a topic alone (recorded as an internal
// note and a tag, with Intercom's required opening message hidden from the customer).
@Injectable()
export class ConversationStarterService {
  private readonly logger = new Logger(ConversationStarterService.name);

  constructor(
    private readonly intercom: IntercomService,
    private readonly snapshots: ConversationSnapshotsService,
    private readonly topics: ConversationsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // `created` records the new conversation for idempotency as soon as it exists, so a failure in a
  // later step never leads a retry to open a second one.
  async start(
    user: SessionUser,
    contactId: string,
    dto: CreateConversationDto,
    attachments: AttachmentLink[],
    created: (conversationId: string) => Promise<void>,
  ): Promise<string> {
    const topic = dto.reason ? [dto.reason.main, dto.reason.sub].filter(Boolean).join(' › ') : undefined;
    // Images ride on the first message (create takes image URLs only). A topic-only opening
    // message is hidden from the customer, so its images would be too: they follow instead.
    const onCreate = dto.body ? attachments.filter(isImage) : [];
    const following = attachments.filter((attachment) => !onCreate.includes(attachment));
    const conversationId = await this.intercom.createConversation(
      contactId,
      dto.body ?? topic!,
      onCreate.map((attachment) => attachment.url),
    );
    // The conversation exists: recorded for idempotency before any other step can fail (#15 item 4).
    await created(conversationId);
    // Then at once, so that its opening message is hidden on every read.
    if (!dto.body && dto.reason)
      await this.topics.saveTopic({ conversationId, userId: user.userId, main: dto.reason.main, sub: dto.reason.sub ?? null });
    if (topic) {
      // For operators only: a failure is logged, the customer's conversation stands.
      await this.intercom
        .addNote(conversationId, textToHtml(`Topic: ${topic}`))
        .catch((error: unknown) => this.warn(error, conversationId, 'topic note'));
      await this.intercom
        .tagConversation(conversationId, `${this.config.conversations.topicTagPrefix}${dto.reason!.main}`)
        .catch((error: unknown) => this.warn(error, conversationId, 'topic tag'));
    }
    // Other files (PDF, video, text) cannot go on create: they follow as the user's next part,
    // which must have a body (contact_reply_base_request requires one): the files' names.
    if (following.length)
      await this.intercom.replyAsUser(
        conversationId,
        contactId,
        textToHtml(following.map((attachment) => `📎 ${attachment.name}`).join('\n')),
        following.map((attachment) => attachment.url),
      );
    await this.snapshots.invalidate(conversationId);
    return conversationId;
  }

  private warn(error: unknown, conversationId: string, what: string): void {
    this.logger.warn({ err: error, conversationId }, `Could not add the ${what}`);
  }

  // Best effort: the conversation exists either way; a failed enrichment is logged, not surfaced.
  async enrichContact(contactId: string, meta: Record<string, unknown> | undefined, clientIp: string): Promise<void> {
    const attributes: Record<string, string> = { last_client_ip: clientIp };
    for (const [key, attribute] of Object.entries(META_ATTRIBUTES)) {
      const value = meta?.[key];
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        attributes[attribute] = String(value).slice(0, this.config.conversations.metaMaxValueLength);
      }
    }
    // An attribute Intercom does not know (the workspace misses `npm run intercom:setup`) is dropped
    // by name and the rest sent again: one missing attribute never loses the others.
    for (;;) {
      try {
        await this.intercom.updateContactAttributes(contactId, attributes);
        return;
      } catch (error) {
        if (error instanceof IntercomUnknownAttributeError && error.attribute in attributes) {
          this.logger.warn(
            { contactId, attribute: error.attribute },
            `Intercom has no contact attribute ${error.attribute}: run \`npm run intercom:setup\``,
          );
          delete attributes[error.attribute];
          if (Object.keys(attributes).length > 0) continue;
          return;
        }
        this.logger.warn({ err: error, contactId }, 'Could not update contact attributes');
        return;
      }
    }
  }
}

function isImage(attachment: AttachmentLink): boolean {
  return attachment.contentType.startsWith('image/');
}
