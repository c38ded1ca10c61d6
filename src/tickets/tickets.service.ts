import { Inject, Injectable, Logger } from '@nestjs/common';
import type { SessionUser } from '../auth/auth.decorators';
import { AppError, notFound } from '../common/errors';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { CsatService } from '../csat/csat.service';
import { FilesService } from '../files/files.service';
import { isShownToCustomer } from '../conversations/conversation-snapshot';
import { IntercomRepliesRefusedError } from '../intercom/intercom-errors';
import { type IntercomTicket, IntercomService } from '../intercom/intercom.service';
import type { MessageDto } from '../messages/message.dto';
import { toMessage, toVisibleMessages } from '../messages/message.mapper';
import { ClientMessagesService } from '../messages/client-messages.service';
import type { ClarifyResultDto, TicketDetailDto, TicketListDto, TicketReplyDto } from './dto/tickets.dto';
import { type TicketCatalog, TicketCatalogService } from './ticket-catalog.service';
import { TicketStreamEvents } from './ticket-stream-events';
import {
  buildTimeline,
  CUSTOMER_FACING,
  isCustomerFacing,
  isOwnTicket,
  matchReference,
  needsStateCatalog,
  newestFirst,
  toTicket,
  toTicketSummary,
} from './ticket.mapper';
import { textToHtml } from '../messages/message.mapper';

// Intercom ticket ids are short alphanumeric strings; anything else cannot be a ticket and is not worth a round trip.
const TICKET_ID = /^[0-9A-Za-z]{1,64}$/;
const NO_USER_REPLIES = 'This ticket does not take replies; start a conversation instead';

@Injectable()
export class TicketsService {
  private readonly logger = new Logger(TicketsService.name);

  constructor(
    private readonly intercom: IntercomService,
    private readonly catalog: TicketCatalogService,
    private readonly clientMessages: ClientMessagesService,
    private readonly files: FilesService,
    private readonly csat: CsatService,
    private readonly streamEvents: TicketStreamEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(user: SessionUser): Promise<TicketListDto> {
    return { tickets: await this.summaries(user.userId, await this.visibleTickets(user)) };
  }

  // Matching happens here, on the caller's own tickets: user text never reaches an Intercom query.
  async search(user: SessionUser, query: string): Promise<TicketListDto> {
    return { tickets: await this.summaries(user.userId, matchReference(await this.visibleTickets(user), query)) };
  }

  async detail(user: SessionUser, ticketId: string): Promise<TicketDetailDto> {
    const ticket = await this.visibleTicket(await this.intercom.contactIdFor(user), ticketId);
    const [catalog, clientMessageIds, rated] = await Promise.all([
      this.catalog.get(),
      this.clientMessages.clientMessageIdsFor(user.userId, ticket.id),
      this.csat.ratedTicketIds(user.userId, [ticket.id]),
    ]);
    return {
      ticket: toTicket(ticket, rated.has(ticket.id), catalog.states),
      messages: toVisibleMessages(ticket.ticket_parts?.ticket_parts ?? [], clientMessageIds),
      timeline: buildTimeline(ticket, catalog.states),
    };
  }

  async reply(user: SessionUser, ticketId: string, input: TicketReplyDto): Promise<MessageDto> {
    const contactId = await this.intercom.contactIdFor(user);
    const ticket = await this.ownTicket(contactId, ticketId);
    const catalog = await this.catalog.get();
    // The caller's own back-office / tracker ticket: say why, rather than let Intercom refuse it.
    if (this.typeCategory(ticket, catalog) !== CUSTOMER_FACING) throw new AppError('conflict', NO_USER_REPLIES);
    const attachmentUrls = await this.files.signedUrlsForAttachments(user.userId, input.attachmentIds ?? []);
    const { clientMessageId } = input;
    return this.clientMessages.runOnce(
      { userId: user.userId, clientMessageId, scope: 'ticket.reply', targetId: ticket.id },
      async (checkpoint) => {
        if (ticket.ticket_state?.category === 'resolved') await this.reopen(ticket, catalog);
        const part = await this.intercom
          .replyToTicketAsUser(ticket.id, contactId, textToHtml(input.body), attachmentUrls)
          .catch((error: unknown) => {
            if (error instanceof IntercomRepliesRefusedError) throw new AppError('conflict', NO_USER_REPLIES);
            throw error;
          });
        const partId = part.id ?? '';
        const message = toMessage(part, new Map(clientMessageId ? [[partId, clientMessageId]] : []));
        // Intercom holds the reply: a retry gets this message back, whatever fails below.
        await checkpoint({ result: message, partId });
        await this.streamEvents.recordOwnReply(user.userId, ticket.id, message);
        return { result: message, partId };
      },
    );
  }

  // Posts the request into the caller's open conversation (or a new one) and leaves operators a
  // note on both sides: Intercom's API cannot link a conversation to a customer ticket.
  async clarify(user: SessionUser, ticketId: string, body: string | undefined): Promise<ClarifyResultDto> {
    const contactId = await this.intercom.contactIdFor(user);
    const ticket = await this.visibleTicket(contactId, ticketId);
    const text = `Please clarify the status of ticket ${ticket.ticket_id}${body ? `\n\n${body}` : ''}`;
    const conversationId = await this.postToOpenConversation(contactId, text);
    await this.linkForOperators(ticket, conversationId);
    return { conversationId };
  }

  // A new conversation takes the plain text, a reply its HTML (Intercom's create takes no HTML).
  private async postToOpenConversation(contactId: string, text: string): Promise<string> {
    const open = (await this.intercom.searchConversations(contactId))
      .filter((conversation) => conversation.state === 'open' && isShownToCustomer(conversation))
      .sort((left, right) => (right.updated_at ?? 0) - (left.updated_at ?? 0))[0];
    if (!open) return this.intercom.createConversation(contactId, text);
    await this.intercom.replyAsUser(open.id, contactId, textToHtml(text));
    return open.id;
  }

  // Best effort: the user's message is already posted, so a failed note must not turn into an
  // error that invites a retry (and a duplicate message).
  private async linkForOperators(ticket: IntercomTicket, conversationId: string): Promise<void> {
    const results = await Promise.allSettled([
      this.intercom.addNote(conversationId, textToHtml(`The customer asks about ticket ${ticket.ticket_id} (id ${ticket.id}).`)),
      this.intercom.addTicketNote(ticket.id, textToHtml(`The customer asked about this ticket in conversation ${conversationId}.`)),
    ]);
    if (results.some((result) => result.status === 'rejected')) {
      this.logger.warn({ ticketId: ticket.id, conversationId }, 'Could not note the clarification link in Intercom');
    }
  }

  private async reopen(ticket: IntercomTicket, catalog: TicketCatalog): Promise<void> {
    await this.intercom.updateTicketState(ticket.id, this.reopenStateId(ticket, catalog));
  }

  // TICKET_REOPEN_STATE is a state id, or a category: then its live state valid for this ticket type.
  private reopenStateId(ticket: IntercomTicket, catalog: TicketCatalog): string {
    const target = this.config.tickets.reopenState;
    if (/^\d+$/.test(target)) return target;
    const typeStateIds = new Set((ticket.ticket_type?.ticket_states?.data ?? []).map((state) => state?.id));
    const candidates = catalog.states.filter((state) => state.id && state.category === target && !state.archived);
    const chosen = candidates.find((state) => typeStateIds.has(state.id)) ?? candidates[0];
    if (!chosen) {
      this.logger.error({ target }, 'TICKET_REOPEN_STATE matches no ticket state in Intercom');
      throw new AppError('internal_error', 'The ticket could not be reopened');
    }
    return chosen.id!;
  }

  private typeCategory(ticket: IntercomTicket, catalog: TicketCatalog): string | undefined {
    const typeId = ticket.ticket_type?.id;
    return (typeId ? catalog.types.get(typeId)?.category : undefined) ?? ticket.ticket_type?.category ?? ticket.category;
  }

  private async visibleTickets(user: SessionUser): Promise<IntercomTicket[]> {
    const contactId = await this.intercom.contactIdFor(user);
    const tickets = await this.intercom.searchTickets(contactId);
    return tickets.filter((ticket) => isOwnTicket(ticket, contactId) && isCustomerFacing(ticket)).sort(newestFirst);
  }

  private async visibleTicket(contactId: string, ticketId: string): Promise<IntercomTicket> {
    const ticket = await this.ownTicket(contactId, ticketId);
    if (!isCustomerFacing(ticket)) throw notFound('Ticket');
    return ticket;
  }

  // Missing and someone else's answer the same 404.
  private async ownTicket(contactId: string, ticketId: string): Promise<IntercomTicket> {
    if (!TICKET_ID.test(ticketId)) throw notFound('Ticket');
    const ticket = await this.intercom.getTicket(ticketId);
    if (!ticket || !isOwnTicket(ticket, contactId)) throw notFound('Ticket');
    return ticket;
  }

  private async summaries(userId: string, tickets: IntercomTicket[]): Promise<TicketListDto['tickets']> {
    const [rated, states] = await Promise.all([
      this.csat.ratedTicketIds(
        userId,
        tickets.map((ticket) => ticket.id),
      ),
      tickets.some(needsStateCatalog) ? this.catalog.get().then((catalog) => catalog.states) : [],
    ]);
    return tickets.map((ticket) => toTicketSummary(ticket, rated.has(ticket.id), states));
  }
}
