import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { Optional } from '../common/optional';
import { SAFE_NOT_BLANK_PATTERN } from '../common/safe-text';
import { TextLength } from '../common/text-length';
import { IsAttachmentIds } from '../files/dto/files.dto';

export const MESSAGE_BODY_MAX = 10_000;
const CLIENT_MESSAGE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
// At least one character that is not white space.
export const NOT_BLANK = /\S/;

// The idempotency key of a message the user sends (conversation create / reply, ticket reply).
export function IsClientMessageId(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      type: String,
      pattern: CLIENT_MESSAGE_ID.source,
      minLength: 1,
      maxLength: 128,
      description: 'Idempotency key: a retry with the same id returns the first result and posts nothing new',
    }),
    Optional(),
    IsString(),
    Matches(CLIENT_MESSAGE_ID, { message: 'clientMessageId must be 1-128 characters of A-Z a-z 0-9 . _ : -' }),
  );
}

// A user's message to an existing conversation or ticket.
export class ReplyDto {
  @ApiProperty({ pattern: SAFE_NOT_BLANK_PATTERN, description: 'Plain text (not only white space)' })
  @IsString()
  @TextLength(1, MESSAGE_BODY_MAX)
  @Matches(NOT_BLANK, { message: 'body must not be blank' })
  body!: string;

  @IsAttachmentIds()
  attachmentIds?: string[];

  @IsClientMessageId()
  clientMessageId?: string;
}
