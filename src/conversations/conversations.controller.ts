import { Body, Controller, Get, Header, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { type AuthenticatedRequest, CurrentUser, type SessionUser } from '../common/auth.decorators';
import { isDigits } from '../common/digits';
import { AppError } from '../common/errors';
import { RateLimit } from '../common/rate-limit';
import { MessageDto } from '../messages/message.dto';
import { ReplyDto } from '../messages/reply.dto';
import { ConversationsService } from './conversations.service';
import {
  CloseResponseDto,
  ConversationDetailDto,
  ConversationListDto,
  CreateConversationDto,
  PollResponseDto,
} from './dto/conversation.dto';

@ApiTags('conversations')
@ApiBearerAuth('session')
@Controller('api/conversations')
export class ConversationsController {
  constructor(private readonly conversations: ConversationsService) {}

  @Get()
  @ApiOkResponse({ type: ConversationListDto })
  list(@CurrentUser() user: SessionUser): Promise<ConversationListDto> {
    return this.conversations.list(user);
  }

  @Post()
  @ApiCreatedResponse({ type: ConversationDetailDto })
  create(
    @CurrentUser() user: SessionUser,
    @Body() body: CreateConversationDto,
    @Req() request: FastifyRequest,
  ): Promise<ConversationDetailDto> {
    // request.ip honours TRUSTED_PROXY (Fastify trustProxy).
    return this.conversations.create(user, body, request.ip);
  }

  @Get(':id')
  @ApiOkResponse({ type: ConversationDetailDto })
  get(@CurrentUser() user: SessionUser, @Param('id') id: string): Promise<ConversationDetailDto> {
    return this.conversations.get(user, id);
  }

  // The hot path. It reads the request itself instead of @CurrentUser/@Param/@Query: each decorated
  // parameter goes through the global validation pipe (an async step per parameter), which cost
  // more than the rest of a warm poll together (README › Benchmarks).
  @Get(':id/poll')
  @Header('content-type', 'application/json; charset=utf-8')
  @RateLimit('poll')
  @ApiParam({ name: 'id', type: String })
  @ApiQuery({ name: 'since', required: false, type: Number, description: 'Unix ms; only messages created after it (default 0)' })
  @ApiOkResponse({ type: PollResponseDto })
  poll(@Req() request: AuthenticatedRequest): string | Promise<string> {
    const { id } = request.params as { id: string };
    const { since } = request.query as { since?: string | string[] };
    return this.conversations.poll(request.user!, id, parseSince(since));
  }

  @Post(':id/read')
  @HttpCode(204)
  @ApiNoContentResponse()
  read(@CurrentUser() user: SessionUser, @Param('id') id: string): Promise<void> {
    return this.conversations.markRead(user, id);
  }

  @Post(':id/close')
  @HttpCode(200)
  @ApiOkResponse({ type: CloseResponseDto })
  close(@CurrentUser() user: SessionUser, @Param('id') id: string): Promise<CloseResponseDto> {
    return this.conversations.close(user, id);
  }

  @Post(':id/reply')
  @ApiCreatedResponse({ type: MessageDto })
  reply(@CurrentUser() user: SessionUser, @Param('id') id: string, @Body() body: ReplyDto): Promise<MessageDto> {
    return this.conversations.reply(user, id, body);
  }
}

function parseSince(since: string | string[] | undefined): number {
  if (since === undefined || since === '') return 0;
  // A repeated ?since= arrives as an array.
  if (typeof since !== 'string' || !isDigits(since, 16)) {
    throw new AppError('validation_error', 'since must be a non-negative integer (Unix ms)');
  }
  return Number(since);
}
