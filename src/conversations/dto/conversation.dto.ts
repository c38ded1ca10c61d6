import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsString, Matches, ValidateNested } from 'class-validator';
import { Optional } from '../../common/optional';
import { SAFE_NOT_BLANK_PATTERN } from '../../common/safe-text';
import { RequiresOneOf, SAFE_TEXT_EXTENSION, enumFrom } from '../../openapi/schema.decorators';
import { TextLength } from '../../common/text-length';
import { IsAttachmentIds } from '../../files/dto/files.dto';
import { MessageDto } from '../../messages/message.dto';
import { IsClientMessageId, MESSAGE_BODY_MAX, NOT_BLANK } from '../../messages/reply.dto';
import { TOPIC_LABEL, TOPIC_MAX_LENGTH } from '../../common/topic-label';

export class ConversationReasonDto {
  @ApiProperty({
    example: 'payments',
    pattern: TOPIC_LABEL.source,
    description:
      "Becomes an Intercom tag: one of CONVERSATION_TOPICS when that is set (the enum; else 400), otherwise a short plain-text label: letters, digits, spaces and . , : ; ! ? ' & ( ) + / - _, starting with a letter or digit, not ending with a space",
    ...enumFrom('CONVERSATION_TOPICS'),
  })
  @IsString()
  @TextLength(1, TOPIC_MAX_LENGTH)
  @Matches(TOPIC_LABEL, { message: 'main must be a plain-text label (letters, digits, spaces, basic punctuation)' })
  main!: string;

  @ApiPropertyOptional({ example: 'card_declined' })
  @Optional()
  @IsString()
  @TextLength(1, 100)
  sub?: string;
}

@RequiresOneOf('body', 'reason')
export class CreateConversationDto {
  @ApiPropertyOptional({
    pattern: SAFE_NOT_BLANK_PATTERN,
    description: 'The first message (not only white space). At least one of body / reason is required.',
  })
  @Optional()
  @IsString()
  @TextLength(1, MESSAGE_BODY_MAX)
  @Matches(NOT_BLANK, { message: 'body must not be blank' })
  body?: string;

  @ApiPropertyOptional({ type: ConversationReasonDto, description: 'Topic; alone it opens the conversation without a user message' })
  @Optional()
  @ValidateNested()
  @Type(() => ConversationReasonDto)
  reason?: ConversationReasonDto;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    [SAFE_TEXT_EXTENSION]: true,
    description:
      'Client context for the Intercom contact: appVersion, platform, osVersion, locale, device, browser, timezone, screen (strings, each capped at META_MAX_VALUE_LENGTH, default 200). Other keys are ignored. The client IP is taken from the request. No key or string in it may contain U+0000 or an unpaired surrogate (400).',
  } as ApiPropertyOptions)
  @Optional()
  @IsObject()
  meta?: Record<string, unknown>;

  @IsAttachmentIds()
  attachmentIds?: string[];

  @IsClientMessageId()
  clientMessageId?: string;
}

export class ConversationSummaryDto {
  @ApiProperty() id!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: ['open', 'closed', 'snoozed'] }) state!: 'open' | 'closed' | 'snoozed';
  @ApiProperty({ type: 'integer', nullable: true, description: 'Unix ms' }) snoozedUntil!: number | null;
  @ApiProperty({ type: 'integer' }) unreadCount!: number;
  @ApiProperty({ type: MessageDto, nullable: true }) lastMessage!: MessageDto | null;
  @ApiProperty({ type: 'integer', description: 'Unix ms' }) createdAt!: number;
  @ApiProperty({ type: 'integer', description: 'Unix ms' }) updatedAt!: number;
  @ApiProperty({ description: 'The conversation carries the CSAT tag' }) rated!: boolean;
}

export class ConversationListDto {
  @ApiProperty({ type: [ConversationSummaryDto], description: 'Most recent activity first' }) conversations!: ConversationSummaryDto[];
}

export class RatingDto {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5 }) stars!: number;
  @ApiProperty({ type: String, nullable: true }) comment!: string | null;
  @ApiProperty({ type: 'integer', description: 'Unix ms' }) createdAt!: number;
}

export class ConversationDetailDto {
  @ApiProperty() id!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: ['open', 'closed', 'snoozed'] }) state!: 'open' | 'closed' | 'snoozed';
  @ApiProperty({ type: 'integer', nullable: true, description: 'Unix ms' }) snoozedUntil!: number | null;
  @ApiProperty() rated!: boolean;
  @ApiProperty({ type: RatingDto, nullable: true }) rating!: RatingDto | null;
  @ApiProperty({ type: 'integer' }) unreadCount!: number;
  @ApiProperty({ type: 'integer' }) createdAt!: number;
  @ApiProperty({ type: 'integer' }) updatedAt!: number;
  @ApiProperty({ type: [MessageDto], description: 'Oldest first' }) messages!: MessageDto[];
}

export class PollResponseDto {
  @ApiProperty({ type: [MessageDto], description: 'Messages with createdAt > since, oldest first' }) messages!: MessageDto[];
  @ApiProperty({ type: 'integer', description: 'createdAt of the newest message returned, or since when none; pass it back as since' })
  latestTimestamp!: number;
  @ApiProperty({ enum: ['open', 'closed', 'snoozed'] }) state!: 'open' | 'closed' | 'snoozed';
  @ApiProperty({ type: 'integer', nullable: true, description: 'Unix ms' }) snoozedUntil!: number | null;
  @ApiProperty() rated!: boolean;
}

export class CloseResponseDto {
  @ApiProperty({ enum: ['closed'] }) state!: 'closed';
  @ApiProperty({ type: Boolean, enum: [true], description: 'Always true: the client shows the CSAT prompt' }) csatPrompt!: true;
}

// The customer's answer to an operator's or bot's quick reply: which message, which option.
export class QuickReplyAnswerDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 64,
    description: 'The id of the quick reply: a message of this conversation with quickReplyOptions',
  })
  @IsString()
  @TextLength(1, 64)
  messageId!: string;

  @ApiProperty({ minLength: 1, maxLength: 64, description: "The uuid of the option picked: one of that message's quickReplyOptions" })
  @IsString()
  @TextLength(1, 64)
  uuid!: string;

  @IsClientMessageId()
  clientMessageId?: string;
}
