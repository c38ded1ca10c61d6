import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentUser, type SessionUser } from '../common/auth.decorators';
import { RateLimit } from '../common/rate-limit';
import { MessageDto } from '../messages/message.dto';
import { ConversationsService } from './conversations.service';
import {
  CloseResponseDto,
  ConversationDetailDto,
  ConversationListDto,
  CreateConversationDto,
  PollQueryDto,
  PollResponseDto,
  ReplyDto,
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

  @Get(':id/poll')
  @RateLimit('poll')
  @ApiOkResponse({ type: PollResponseDto })
  poll(@CurrentUser() user: SessionUser, @Param('id') id: string, @Query() query: PollQueryDto): Promise<PollResponseDto> {
    return this.conversations.poll(user, id, query.since ?? 0);
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
