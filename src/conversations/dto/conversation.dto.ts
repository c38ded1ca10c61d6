import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { IsAttachmentIds } from '../../files/dto/files.dto';
import { MessageDto } from '../../messages/message.dto';
import { IsClientMessageId, MESSAGE_BODY_MAX } from '../../messages/reply.dto';

export class ConversationReasonDto {
  @ApiProperty({ maxLength: 100, example: 'payments' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  main!: string;

  @ApiPropertyOptional({ maxLength: 100, example: 'card_declined' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  sub?: string;
}

export class CreateConversationDto {
  @ApiPropertyOptional({ maxLength: MESSAGE_BODY_MAX, description: 'The first message. At least one of body / reason is required.' })
  @IsOptional()
  @IsString()
  @Matches(/\S/, { message: 'body must not be blank' })
  @MaxLength(MESSAGE_BODY_MAX)
  body?: string;

  @ApiPropertyOptional({ type: ConversationReasonDto, description: 'Topic; alone it opens the conversation without a user message' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ConversationReasonDto)
  reason?: ConversationReasonDto;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'Client context for the Intercom contact: appVersion, platform, osVersion, locale, device, browser, timezone, screen (strings, each capped at META_MAX_VALUE_LENGTH, default 200). Other keys are ignored. The client IP is taken from the request.',
  })
  @IsOptional()
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
  @ApiProperty({ type: Number, nullable: true, description: 'Unix ms' }) snoozedUntil!: number | null;
  @ApiProperty() unreadCount!: number;
  @ApiProperty({ type: MessageDto, nullable: true }) lastMessage!: MessageDto | null;
  @ApiProperty({ description: 'Unix ms' }) createdAt!: number;
  @ApiProperty({ description: 'Unix ms' }) updatedAt!: number;
  @ApiProperty({ description: 'The conversation carries the CSAT tag' }) rated!: boolean;
}

export class ConversationListDto {
  @ApiProperty({ type: [ConversationSummaryDto], description: 'Most recent activity first' }) conversations!: ConversationSummaryDto[];
}

export class RatingDto {
  @ApiProperty({ minimum: 1, maximum: 5 }) stars!: number;
  @ApiProperty({ type: String, nullable: true }) comment!: string | null;
  @ApiProperty({ description: 'Unix ms' }) createdAt!: number;
}

export class ConversationDetailDto {
  @ApiProperty() id!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: ['open', 'closed', 'snoozed'] }) state!: 'open' | 'closed' | 'snoozed';
  @ApiProperty({ type: Number, nullable: true }) snoozedUntil!: number | null;
  @ApiProperty() rated!: boolean;
  @ApiProperty({ type: RatingDto, nullable: true }) rating!: RatingDto | null;
  @ApiProperty() unreadCount!: number;
  @ApiProperty() createdAt!: number;
  @ApiProperty() updatedAt!: number;
  @ApiProperty({ type: [MessageDto], description: 'Oldest first' }) messages!: MessageDto[];
}

export class PollResponseDto {
  @ApiProperty({ type: [MessageDto], description: 'Messages with createdAt > since, oldest first' }) messages!: MessageDto[];
  @ApiProperty({ description: 'createdAt of the newest message returned, or since when none; pass it back as since' })
  latestTimestamp!: number;
  @ApiProperty({ enum: ['open', 'closed', 'snoozed'] }) state!: 'open' | 'closed' | 'snoozed';
  @ApiProperty({ type: Number, nullable: true }) snoozedUntil!: number | null;
  @ApiProperty() rated!: boolean;
}

export class CloseResponseDto {
  @ApiProperty({ enum: ['closed'] }) state!: 'closed';
  @ApiProperty({ description: 'Always true: the client shows the CSAT prompt' }) csatPrompt!: true;
}
