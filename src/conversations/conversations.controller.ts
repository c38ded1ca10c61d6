import { Body, Controller, Get, Header, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { type AuthenticatedRequest, CurrentUser, type SessionUser } from '../auth/auth.decorators';
import { isDigits } from '../common/digits';
import { AppError } from '../common/errors';
import { RateLimit } from '../auth/rate-limit';
import { MessageDto } from '../messages/message.dto';
import { ReplyDto } from '../messages/reply.dto';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { ConversationsService } from './conversations.service';
import {
  CloseResponseDto,
  ConversationDetailDto,
  ConversationListDto,
  CreateConversationDto,
  PollResponseDto,
  QuickReplyAnswerDto,
} from './dto/conversation.dto';

const NOT_FOUND = ['not_found', 'no such conversation, or not yours (indistinguishable)'] as const;
const SENT = ['conflict', 'clientMessageId reused for a different message, or its first request still in progress'] as const;

@ApiTags('conversations')
@ApiErrors('service_unavailable')
@Controller('api/conversations')
export class ConversationsController {
  constructor(private readonly conversations: ConversationsService) {}

  @Get()
  @ApiOperation({ summary: 'Your conversations, most recent activity first' })
  @ApiOkResponse({ type: ConversationListDto })
  list(@CurrentUser() user: SessionUser): Promise<ConversationListDto> {
    return this.conversations.list(user);
  }

  @Post()
  @ApiOperation({ summary: 'Start a conversation (body and/or reason)' })
  @ApiCreatedResponse({ type: ConversationDetailDto })
  @ApiErrors(
    ['validation_error', 'neither body nor reason, or a field fails the schema'],
    ['not_found', "an attachment that is not the caller's upload"],
    SENT,
  )
  create(
    @CurrentUser() user: SessionUser,
    @Body() body: CreateConversationDto,
    @Req() request: FastifyRequest,
  ): Promise<ConversationDetailDto> {
    // request.ip honours TRUSTED_PROXY (Fastify trustProxy).
    return this.conversations.create(user, body, request.ip);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A conversation with its messages, oldest first' })
  @ApiOkResponse({ type: ConversationDetailDto })
  @ApiErrors(NOT_FOUND)
  get(@CurrentUser() user: SessionUser, @Param('id') id: string): Promise<ConversationDetailDto> {
    return this.conversations.get(user, id);
  }

  // The hot path. It reads the request itself instead of @CurrentUser/@Param/@Query: each decorated
  // parameter goes through the global validation pipe (an async step per parameter), which cost
  // more than the rest of a warm poll together (README › Benchmarks).
  @Get(':id/poll')
  @Header('content-type', 'application/json; charset=utf-8')
  @RateLimit('poll')
  @ApiOperation({ summary: 'Messages after `since` and the current state (the polling fast path)' })
  @ApiParam({ name: 'id', type: String })
  @ApiQuery({
    name: 'since',
    required: false,
    schema: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    description: 'Unix ms; only messages created after it (absent or empty: 0). Given once.',
  })
  @ApiOkResponse({ type: PollResponseDto })
  @ApiErrors(['validation_error', 'since is not a non-negative integer, or is repeated'], NOT_FOUND)
  poll(@Req() request: AuthenticatedRequest): string | Promise<string> {
    const { id } = request.params as { id: string };
    const { since } = request.query as { since?: string | string[] };
    return this.conversations.poll(request.user!, id, parseSince(since));
  }

  @Post(':id/read')
  @HttpCode(204)
  @ApiOperation({ summary: 'Mark the conversation read (clears its unread count)' })
  @ApiNoContentResponse()
  @ApiErrors(NOT_FOUND)
  read(@CurrentUser() user: SessionUser, @Param('id') id: string): Promise<void> {
    return this.conversations.markRead(user, id);
  }

  @Post(':id/close')
  @HttpCode(200)
  @ApiOperation({ summary: 'Close the conversation (the client then shows the CSAT prompt)' })
  @ApiOkResponse({ type: CloseResponseDto })
  @ApiErrors(NOT_FOUND)
  close(@CurrentUser() user: SessionUser, @Param('id') id: string): Promise<CloseResponseDto> {
    return this.conversations.close(user, id);
  }

  @Post(':id/reply')
  @ApiOperation({ summary: 'Reply (reopens a closed conversation)' })
  @ApiCreatedResponse({ type: MessageDto })
  @ApiErrors(['not_found', "no such conversation of yours, or an attachment that is not the caller's upload"], SENT)
  reply(@CurrentUser() user: SessionUser, @Param('id') id: string, @Body() body: ReplyDto): Promise<MessageDto> {
    return this.conversations.reply(user, id, body);
  }

  @Post(':id/quick-replies')
  @ApiOperation({
    summary: "Answer an operator's or bot's quick reply with one of its options",
    description:
      "The answer is the customer's own message, with the option's text as its body and the option's uuid as quickReplyUuid (reopens a closed conversation, as a reply does).",
  })
  @ApiCreatedResponse({ type: MessageDto })
  @ApiErrors(
    ['validation_error', "uuid is not one of that message's quickReplyOptions (or a field fails the schema)"],
    ['not_found', 'no such conversation of yours, or messageId is not a quick reply of it'],
    ['conflict', 'a newer quick reply replaced this one, it was answered already, or clientMessageId reused / still in progress'],
  )
  answerQuickReply(@CurrentUser() user: SessionUser, @Param('id') id: string, @Body() body: QuickReplyAnswerDto): Promise<MessageDto> {
    return this.conversations.answerQuickReply(user, id, body);
  }
}

function parseSince(since: string | string[] | undefined): number {
  if (since === undefined || since === '') return 0;
  // A repeated ?since= arrives as an array.
  const value = typeof since === 'string' && isDigits(since, 16) ? Number(since) : NaN;
  // The OpenAPI's maximum: beyond it a number no longer names one millisecond.
  if (!(value <= Number.MAX_SAFE_INTEGER)) throw new AppError('validation_error', 'since must be a non-negative integer (Unix ms)');
  return value;
}
