import { Inject, Injectable } from '@nestjs/common';
import type { Intercom } from 'intercom-client';
import { LRUCache } from 'lru-cache';
import type { SessionUser } from '../auth/auth.decorators';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { ContactResolverService } from './contact-resolver.service';
import { IntercomNotFoundError, IntercomRejectedError, IntercomRepliesRefusedError, IntercomUnavailableError } from './intercom-errors';
import { IntercomGateway } from './intercom.gateway';

export type IntercomConversation = Intercom.Conversation;
export type IntercomTicket = Intercom.Ticket;
export type IntercomTicketPart = Intercom.TicketPart;
export type IntercomTicketType = Intercom.TicketType;
export type IntercomTicketState = Intercom.TicketStateDetailed;

const READ = { idempotent: true } as const;
// Intercom's search pages hold at most 150; a user's lists read at most this many pages (1,500).
const SEARCH_PAGE_SIZE = 150;
export const SEARCH_MAX_PAGES = 10;

// Intercom's 2.12 changelog ("Custom States for Tickets"): ticket_state became an object; before,
// it was the bare category string ("in_progress"). An app (and its webhooks) on an older API version
// still sends that form: read it as an object with only the category.
export function withTicketStateObject<T extends { ticket_state?: unknown }>(ticket: T): T {
  const state = ticket.ticket_state;
  return typeof state === 'string' ? { ...ticket, ticket_state: { type: 'ticket_state', category: state } } : ticket;
}

// A customer's comment, as conversation and ticket replies both take it.
function userComment(contactId: string, body: string, attachmentUrls: string[]) {
  return {
    message_type: 'comment' as const,
    type: 'user' as const,
    intercom_user_id: contactId,
    body,
    ...(attachmentUrls.length ? { attachment_urls: attachmentUrls } : {}),
  };
}
const WRITE = { idempotent: false } as const;

// A read that finds nothing is an answer, not an error.
function undefinedIfMissing(error: unknown): undefined {
  if (error instanceof IntercomNotFoundError) return undefined;
  throw error;
}

// Typed Intercom operations the features need. Every call goes through IntercomGateway
// (timeouts, rate limit, breaker, error mapping); admin actions act as the configured admin.
@Injectable()
export class IntercomService {
  private readonly tagIds = new LRUCache<string, string>({ max: 1000 });

  constructor(
    private readonly gateway: IntercomGateway,
    private readonly contacts: ContactResolverService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get adminId(): string {
    return this.config.intercom.adminId;
  }

  contactIdFor(user: SessionUser): Promise<string> {
    return this.contacts.contactIdFor(user);
  }

  knownContactId(userId: string): string | undefined {
    return this.contacts.knownContactId(userId);
  }

  async updateContactAttributes(contactId: string, customAttributes: Record<string, string | number | boolean>): Promise<void> {
    await this.gateway.call(
      'contacts.update',
      (client, options) => client.contacts.update({ contact_id: contactId, custom_attributes: customAttributes }, options),
      WRITE,
    );
  }

  // --- conversations -------------------------------------------------------------------------

  // `text` is plain text: create_conversation_request.body says "HTML is not supported" (replies,
  // unlike this, take HTML). `imageUrls` become the first message's attachments; the description
  // calls them "image URLs" (up to 10).
  async createConversation(contactId: string, text: string, imageUrls: string[] = []): Promise<string> {
    const message = await this.gateway.call(
      'conversations.create',
      (client, options) =>
        client.conversations.create(
          { from: { type: 'user', id: contactId }, body: text, ...(imageUrls.length ? { attachment_urls: imageUrls } : {}) },
          options,
        ),
      WRITE,
    );
    if (!message.conversation_id) throw new IntercomUnavailableError('Intercom did not return a conversation');
    return message.conversation_id;
  }

  getConversation(conversationId: string): Promise<IntercomConversation | undefined> {
    return this.gateway
      .call(
        'conversations.find',
        (client, options) => client.conversations.find({ conversation_id: conversationId, display_as: 'html' }, options),
        READ,
      )
      .catch(undefinedIfMissing);
  }

  // Every page (150 a page, Intercom's maximum; at most SEARCH_MAX_PAGES): Intercom's search takes
  // no sort (search_request has only query and pagination), so the newest may be on any page.
  async searchConversations(contactId: string): Promise<IntercomConversation[]> {
    const found: IntercomConversation[] = [];
    let startingAfter: string | undefined;
    for (let page = 0; page < SEARCH_MAX_PAGES; page += 1) {
      const after = startingAfter;
      const result = await this.gateway.call(
        'conversations.search',
        (client, options) =>
          client.conversations.search(
            {
              query: { field: 'contact_ids', operator: '=', value: contactId },
              pagination: { per_page: SEARCH_PAGE_SIZE, ...(after ? { starting_after: after } : {}) },
            },
            options,
          ),
        READ,
      );
      found.push(...result.data);
      startingAfter = result.response.pages?.next?.starting_after ?? undefined;
      if (!startingAfter) break;
    }
    return found;
  }

  replyAsUser(conversationId: string, contactId: string, body: string, attachmentUrls: string[] = []): Promise<IntercomConversation> {
    return this.gateway.call(
      'conversations.reply',
      (client, options) =>
        client.conversations.reply(
          {
            conversation_id: conversationId,
            body: userComment(contactId, body, attachmentUrls),
          },
          options,
        ),
      WRITE,
    );
  }

  // The customer's pick of a quick reply: replyConversation's contact_quick_reply_reply example
  // (message_type quick_reply, no body, the one option chosen). Intercom records it as the
  // customer's comment with the option's text and metadata.quick_reply_uuid. The client's types
  // (contact_reply_base_request) know only `comment`, hence the cast.
  answerQuickReply(conversationId: string, contactId: string, option: { text: string; uuid: string }): Promise<IntercomConversation> {
    const body = { message_type: 'quick_reply', type: 'user', intercom_user_id: contactId, reply_options: [option] };
    return this.gateway.call(
      'conversations.quickReply',
      (client, options) =>
        client.conversations.reply(
          { conversation_id: conversationId, body: body as unknown as Intercom.ReplyConversationRequest },
          options,
        ),
      WRITE,
    );
  }

  addNote(conversationId: string, body: string): Promise<IntercomConversation> {
    return this.gateway.call(
      'conversations.note',
      (client, options) =>
        client.conversations.reply(
          { conversation_id: conversationId, body: { message_type: 'note', type: 'admin', admin_id: this.adminId, body } },
          options,
        ),
      WRITE,
    );
  }

  close(conversationId: string): Promise<IntercomConversation> {
    return this.gateway.call(
      'conversations.close',
      (client, options) =>
        client.conversations.manage(
          { conversation_id: conversationId, body: { message_type: 'close', type: 'admin', admin_id: this.adminId } },
          options,
        ),
      WRITE,
    );
  }

  open(conversationId: string): Promise<IntercomConversation> {
    return this.gateway.call(
      'conversations.open',
      (client, options) =>
        client.conversations.manage({ conversation_id: conversationId, body: { message_type: 'open', admin_id: this.adminId } }, options),
      WRITE,
    );
  }

  async markRead(conversationId: string): Promise<void> {
    await this.gateway.call(
      'conversations.read',
      (client, options) => client.conversations.update({ conversation_id: conversationId, read: true }, options),
      WRITE,
    );
  }

  // --- tags ----------------------------------------------------------------------------------

  async tagConversation(conversationId: string, tagName: string): Promise<void> {
    const tagId = await this.tagIdFor(tagName);
    await this.gateway.call(
      'tags.tagConversation',
      (client, options) => client.tags.tagConversation({ conversation_id: conversationId, id: tagId, admin_id: this.adminId }, options),
      WRITE,
    );
  }

  // Intercom's POST /tags creates or returns the tag by name, so this is safe to repeat.
  private async tagIdFor(name: string): Promise<string> {
    const cached = this.tagIds.get(name);
    if (cached) return cached;
    const tag = await this.gateway.call('tags.create', (client, options) => client.tags.create({ name }, options), WRITE);
    this.tagIds.set(name, tag.id);
    return tag.id;
  }

  // --- tickets -------------------------------------------------------------------------------

  async listTicketTypes(): Promise<IntercomTicketType[]> {
    const list = await this.gateway.call('ticketTypes.list', (client, options) => client.ticketTypes.list(options), READ);
    return (list.data ?? []).filter((type): type is IntercomTicketType => Boolean(type));
  }

  async listTicketStates(): Promise<IntercomTicketState[]> {
    const list = await this.gateway.call('ticketStates.list', (client, options) => client.ticketStates.listTicketStates(options), READ);
    return (list.data ?? []).filter((state): state is IntercomTicketState => Boolean(state));
  }

  async searchTickets(contactId: string): Promise<IntercomTicket[]> {
    const found: IntercomTicket[] = [];
    let startingAfter: string | undefined;
    for (let page = 0; page < SEARCH_MAX_PAGES; page += 1) {
      const after = startingAfter;
      const result = await this.gateway.call(
        'tickets.search',
        (client, options) =>
          client.tickets.search(
            {
              query: { field: 'contact_ids', operator: '=', value: contactId },
              pagination: { per_page: SEARCH_PAGE_SIZE, ...(after ? { starting_after: after } : {}) },
            },
            options,
          ),
        READ,
      );
      found.push(...result.data.filter((ticket): ticket is IntercomTicket => Boolean(ticket)).map(withTicketStateObject));
      startingAfter = result.response.pages?.next?.starting_after ?? undefined;
      if (!startingAfter) break;
    }
    return found;
  }

  async getTicket(ticketId: string): Promise<IntercomTicket | undefined> {
    const ticket = await this.gateway
      .call('tickets.get', (client, options) => client.tickets.get({ ticket_id: ticketId }, options), READ)
      .catch(undefinedIfMissing);
    return ticket ? withTicketStateObject(ticket) : undefined;
  }

  // Intercom answers a customer's reply to a ticket that takes none (back-office, tracker) with a
  // 400: IntercomRepliesRefusedError.
  replyToTicketAsUser(ticketId: string, contactId: string, body: string, attachmentUrls: string[] = []): Promise<Intercom.TicketReply> {
    return this.gateway
      .call(
        'tickets.reply',
        (client, options) =>
          client.tickets.reply(
            {
              ticket_id: ticketId,
              body: userComment(contactId, body, attachmentUrls),
            },
            options,
          ),
        WRITE,
      )
      .catch((error: unknown) => {
        throw error instanceof IntercomRejectedError && error.isStatus(400) ? new IntercomRepliesRefusedError() : error;
      });
  }

  async updateTicketState(ticketId: string, ticketStateId: string): Promise<IntercomTicket> {
    const ticket = await this.gateway.call(
      'tickets.update',
      (client, options) =>
        client.tickets.update({ ticket_id: ticketId, ticket_state_id: ticketStateId, open: true, admin_id: Number(this.adminId) }, options),
      WRITE,
    );
    if (!ticket) throw new IntercomNotFoundError();
    return ticket;
  }

  // An internal note on a ticket, by the configured admin: operators see it, the customer never does.
  async addTicketNote(ticketId: string, body: string): Promise<void> {
    await this.gateway.call(
      'tickets.note',
      (client, options) =>
        client.tickets.reply({ ticket_id: ticketId, body: { message_type: 'note', type: 'admin', admin_id: this.adminId, body } }, options),
      WRITE,
    );
  }
}
