import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsAttachmentIds } from '../files/dto/files.dto';

export const MESSAGE_BODY_MAX = 10_000;
const CLIENT_MESSAGE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

// The idempotency key of a message the user sends (conversation create / reply, ticket reply).
export function IsClientMessageId(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      pattern: CLIENT_MESSAGE_ID.source,
      description: 'Idempotency key: a retry with the same id returns the first result and posts nothing new',
    }),
    IsOptional(),
    Matches(CLIENT_MESSAGE_ID, { message: 'clientMessageId must be 1-128 characters of A-Z a-z 0-9 . _ : -' }),
  );
}

// A user's message to an existing conversation or ticket.
export class ReplyDto {
  @ApiProperty({ maxLength: MESSAGE_BODY_MAX, description: 'Plain text' })
  @IsString()
  @Matches(/\S/, { message: 'body must not be blank' })
  @MaxLength(MESSAGE_BODY_MAX)
  body!: string;

  @IsAttachmentIds()
  attachmentIds?: string[];

  @IsClientMessageId()
  clientMessageId?: string;
}
