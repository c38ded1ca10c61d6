import { Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AcceptsTicket } from '../auth/ticket-auth.decorator';
import { type AuthenticatedRequest, CurrentUser, type SessionUser } from '../auth/auth.decorators';
import { ApiErrors, ApiOwnAuth } from '../openapi/api-errors.decorator';
import { StreamTicketDto } from './dto/events.dto';
import { EventsService } from './events.service';

const STREAM_DESCRIPTION =
  'Server-Sent Events, one stream per user for all of their conversations and tickets. First `retry: <ms>`, then per event ' +
  '`id: <seq>` (per user, strictly increasing), `event: <type>` and `data: <one line of JSON>`; types: message.created ' +
  '{ conversationId, message }, conversation.updated { conversationId, state, snoozedUntil, rated }, ticket.updated ' +
  '{ ticketId, state: { category, label }, open }, ticket.message.created { ticketId, message }, unread.changed ' +
  '{ total, conversationId, unreadCount }, reset {} (the last id is past retention or unknown: refetch, continue from its id). ' +
  'A comment line every STREAM_HEARTBEAT_MS. Without a last id the stream starts now. At most STREAM_MAX_PER_USER streams ' +
  'per user: a new one ends the oldest. Auth: the session header, or `?ticket=` from POST /api/events/ticket (EventSource).';

@ApiTags('events')
@Controller('api/events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Post('ticket')
  @HttpCode(201)
  @ApiOperation({ summary: 'A single-use ticket for GET /api/events?ticket= (valid 60 s, bound to you)' })
  @ApiCreatedResponse({ type: StreamTicketDto })
  ticket(@CurrentUser() user: SessionUser): Promise<StreamTicketDto> {
    return this.events.issueTicket(user.userId);
  }

  @Get()
  @AcceptsTicket()
  @ApiOperation({ summary: 'Your realtime event stream (resumable)', description: STREAM_DESCRIPTION })
  @ApiProduces('text/event-stream')
  // The session header or `?ticket=` (the streamTicket scheme declares that query parameter).
  @ApiOwnAuth({ session: [] }, { streamTicket: [] })
  @ApiQuery({
    name: 'lastEventId',
    required: false,
    type: String,
    schema: { type: 'string', pattern: '^[0-9]{1,15}$' },
    description: 'Resume after this id (wins over Last-Event-ID)',
  })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this id (EventSource sends it on reconnect)' })
  @ApiOkResponse({
    description: 'The event stream (Cache-Control: no-cache, X-Accel-Buffering: no)',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  @ApiErrors(
    ['validation_error', 'lastEventId is not a non-negative integer'],
    ['unauthorized', 'missing or invalid session, or a bad, used or expired ticket (JSON, before the stream starts)'],
  )
  async stream(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.events.stream(request, reply);
  }
}
