import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';
import { Equals, IsObject, IsString, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { TextLength } from '../../common/text-length';
import { AcceptsUnknownFields, SAFE_TEXT_EXTENSION } from '../../openapi/schema.decorators';

export const NOTIFICATION_ID_MAX_LENGTH = 128;
export const TOPIC_MAX_LENGTH = 128;
// Intercom's bodies are small; the cap keeps a bad sender from filling the inbox.
export const WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;

@AcceptsUnknownFields()
export class IntercomNotificationDataDto {
  @ApiProperty({
    description:
      'The object the event is about (conversation, ticket, contact, …). Text Postgres cannot store (U+0000, unpaired surrogates) is kept as U+FFFD.',
    type: 'object',
    additionalProperties: true,
    [SAFE_TEXT_EXTENSION]: false,
  } as ApiPropertyOptions)
  @IsObject()
  item!: Record<string, unknown>;
}

// Intercom's notification envelope; other fields (app_id, created_at, delivery_*) are accepted and kept.
@AcceptsUnknownFields()
export class IntercomNotificationDto {
  @ApiProperty({ enum: ['notification_event'] })
  @Equals('notification_event')
  type!: string;

  @ApiProperty({ description: 'Notification id; a redelivery carries the same id (a `ping` may carry null)' })
  @IsString()
  @TextLength(1, NOTIFICATION_ID_MAX_LENGTH)
  id!: string;

  @ApiProperty({ example: 'conversation.admin.replied' })
  @IsString()
  @TextLength(1, TOPIC_MAX_LENGTH)
  topic!: string;

  @ApiProperty({ type: IntercomNotificationDataDto })
  @ValidateNested()
  @Type(() => IntercomNotificationDataDto)
  data!: IntercomNotificationDataDto;
}

export class WebhookAckDto {
  @ApiProperty({ type: Boolean, enum: [true], description: 'The event is recorded (or was already): Intercom must not resend it' })
  received!: true;
  @ApiProperty({ description: 'This notification id had been received before and is not processed again' }) duplicate!: boolean;
}
