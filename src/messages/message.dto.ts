import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class MessageAuthorDto {
  @ApiProperty({ enum: ['user', 'admin', 'bot'] }) type!: 'user' | 'admin' | 'bot';
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true }) avatarUrl!: string | null;
}

export class MessageAttachmentDto {
  @ApiProperty() name!: string;
  @ApiProperty() url!: string;
  @ApiProperty() contentType!: string;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Bytes' }) size!: number;
}

// One answer button of an operator's or bot's quick reply (Intercom's quick_reply_option).
export class QuickReplyOptionDto {
  @ApiProperty({ description: "The option's id: what POST /api/conversations/{id}/quick-replies takes as `uuid`" }) uuid!: string;
  @ApiProperty({ description: 'The button text (also the text of the answer)' }) text!: string;
}

export class MessageDto {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'Plain text' }) body!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Sanitized HTML (no scripts, event handlers or javascript: URLs)' })
  html!: string | null;
  @ApiProperty({ type: MessageAuthorDto }) author!: MessageAuthorDto;
  @ApiProperty({ type: 'integer', description: 'Unix ms' }) createdAt!: number;
  @ApiProperty({ type: [MessageAttachmentDto] }) attachments!: MessageAttachmentDto[];
  @ApiProperty({ type: String, nullable: true, description: 'The id the client sent with this message, if any' })
  clientMessageId!: string | null;
  @ApiPropertyOptional({
    type: [QuickReplyOptionDto],
    minItems: 1,
    description:
      "Only on an operator's or bot's quick reply: the answers offered as buttons. The customer picks one with POST /api/conversations/{id}/quick-replies while it is the conversation's latest quick reply and unanswered.",
  })
  quickReplyOptions?: QuickReplyOptionDto[];
  @ApiPropertyOptional({ description: "Only on the customer's answer to a quick reply: the uuid of the option picked" })
  quickReplyUuid?: string;
}
