import { ApiProperty } from '@nestjs/swagger';

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
}
