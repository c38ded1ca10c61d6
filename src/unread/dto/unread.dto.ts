import { ApiProperty } from '@nestjs/swagger';

export class UnreadConversationDto {
  @ApiProperty({ example: '215469012345' })
  id!: string;

  @ApiProperty({ type: 'integer', minimum: 1, example: 2 })
  unreadCount!: number;
}

export class UnreadDto {
  @ApiProperty({ type: 'integer', minimum: 0, example: 3, description: 'Sum of unreadCount over all conversations (the badge)' })
  total!: number;

  @ApiProperty({ type: [UnreadConversationDto], description: 'Only conversations with unread messages' })
  conversations!: UnreadConversationDto[];
}
