import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type SessionUser } from '../auth/auth.decorators';
import { MessageDto } from '../messages/message.dto';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { ClarifyResultDto, ClarifyTicketDto, SearchTicketsQuery, TicketDetailDto, TicketListDto, TicketReplyDto } from './dto/tickets.dto';
import { TicketsService } from './tickets.service';

const NOT_FOUND = 'no such ticket, not yours, or not customer-facing (indistinguishable)';

@ApiTags('tickets')
@ApiErrors('service_unavailable')
@Controller('api/tickets')
export class TicketsController {
  constructor(private readonly tickets: TicketsService) {}

  @Get()
  @ApiOperation({ summary: "The caller's customer-facing tickets, newest first" })
  @ApiOkResponse({ type: TicketListDto })
  list(@CurrentUser() user: SessionUser): Promise<TicketListDto> {
    return this.tickets.list(user);
  }

  @Get('search')
  @ApiOperation({ summary: "The caller's tickets whose reference equals or starts with q (case-insensitive)" })
  @ApiOkResponse({ type: TicketListDto })
  @ApiErrors(['validation_error', '`q` missing, blank or longer than 64 characters, or another query parameter'])
  search(@CurrentUser() user: SessionUser, @Query() query: SearchTicketsQuery): Promise<TicketListDto> {
    return this.tickets.search(user, query.q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A ticket with its customer-visible messages and status timeline' })
  @ApiParam({ name: 'id', description: 'Intercom ticket id (`id` of a list item)' })
  @ApiOkResponse({ type: TicketDetailDto })
  @ApiErrors(['not_found', NOT_FOUND])
  detail(@CurrentUser() user: SessionUser, @Param('id') id: string): Promise<TicketDetailDto> {
    return this.tickets.detail(user, id);
  }

  @Post(':id/reply')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Reply to a ticket',
    description:
      'A resolved ticket is reopened first (TICKET_REOPEN_STATE, default the in_progress state). A repeated clientMessageId returns the first message and posts nothing.',
  })
  @ApiParam({ name: 'id', description: 'Intercom ticket id' })
  @ApiCreatedResponse({ type: MessageDto })
  @ApiErrors(
    ['not_found', `${NOT_FOUND}; or an attachment that is not the caller's upload`],
    ['conflict', 'the ticket type takes no user replies (back-office, tracker), or clientMessageId reused or still in progress'],
  )
  reply(@CurrentUser() user: SessionUser, @Param('id') id: string, @Body() body: TicketReplyDto): Promise<MessageDto> {
    return this.tickets.reply(user, id, body);
  }

  @Post(':id/clarify')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Ask about a ticket in chat',
    description:
      'Posts "Please clarify the status of ticket <reference>" (plus body) into the caller\'s open conversation, starting one if none; operators get a note linking both.',
  })
  @ApiParam({ name: 'id', description: 'Intercom ticket id' })
  @ApiCreatedResponse({ type: ClarifyResultDto })
  @ApiErrors(['not_found', NOT_FOUND])
  clarify(@CurrentUser() user: SessionUser, @Param('id') id: string, @Body() body: ClarifyTicketDto): Promise<ClarifyResultDto> {
    return this.tickets.clarify(user, id, body.body);
  }
}
