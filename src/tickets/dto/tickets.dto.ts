import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString } from 'class-validator';
import { Optional } from '../../common/optional';
import { SAFE_NOT_BLANK_PATTERN } from '../../common/safe-text';
import { TextLength } from '../../common/text-length';
import { MessageDto } from '../../messages/message.dto';

import { TICKET_CATEGORIES, type TicketCategory, type TicketStatePayload } from '../../events/stream-event';

export { TICKET_CATEGORIES, type TicketCategory };

export const SEARCH_QUERY_MAX = 64;
export const CLARIFY_BODY_MAX = 2_000;

const trimmed = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

export class TicketStateDto implements TicketStatePayload {
  @ApiProperty({ enum: TICKET_CATEGORIES }) category!: TicketCategory;
  @ApiProperty({ type: String, nullable: true, description: 'The customer-facing (external) label of the state' })
  label!: string | null;
}

export class TicketSummaryDto {
  @ApiProperty({ description: 'Intercom ticket id (use it in /api/tickets/:id)' }) id!: string;
  @ApiProperty({ description: "Human-readable reference (Intercom's ticket_id)", example: 'AW-123' }) reference!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ type: TicketStateDto }) state!: TicketStateDto;
  @ApiProperty() open!: boolean;
  @ApiProperty({ type: 'integer', description: 'Unix ms' }) createdAt!: number;
  @ApiProperty({ type: 'integer', description: 'Unix ms' }) updatedAt!: number;
  @ApiProperty({ description: 'The user has rated this ticket (POST /api/csat)' }) rated!: boolean;
}

export class TicketListDto {
  @ApiProperty({ type: [TicketSummaryDto], description: 'Newest first' }) tickets!: TicketSummaryDto[];
}

export class TicketDto extends TicketSummaryDto {
  @ApiProperty({ description: 'Plain text as the operator wrote it' }) description!: string;
}

export class TicketTimelineEntryDto {
  @ApiProperty({ enum: TICKET_CATEGORIES }) category!: TicketCategory;
  @ApiProperty({ type: String, nullable: true, description: 'Customer-facing label, when Intercom lets us know it' })
  label!: string | null;
  @ApiProperty({ type: 'integer', description: 'Unix ms the ticket entered this state' }) at!: number;
}

export class TicketDetailDto {
  @ApiProperty({ type: TicketDto }) ticket!: TicketDto;
  @ApiProperty({ type: [MessageDto], description: 'Customer-visible messages, oldest first' }) messages!: MessageDto[];
  @ApiProperty({ type: [TicketTimelineEntryDto], description: 'Status timeline, oldest first, starting with the state at creation' })
  timeline!: TicketTimelineEntryDto[];
}

export class SearchTicketsQuery {
  @ApiProperty({
    pattern: SAFE_NOT_BLANK_PATTERN,
    example: 'AW-123',
    description:
      'Reference or its beginning, case-insensitive, trimmed of white space; exact matches first, then newest first. Never sent to Intercom. No other query parameter is accepted.',
  })
  @Transform(trimmed)
  @IsString()
  @TextLength(1, SEARCH_QUERY_MAX)
  q!: string;
}

// Ticket replies take exactly what conversation replies take.
export { ReplyDto as TicketReplyDto } from '../../messages/reply.dto';

export class ClarifyTicketDto {
  @ApiProperty({ required: false, description: 'Optional text added after the clarification request (trimmed)' })
  @Transform(trimmed)
  @Optional()
  @IsString()
  @TextLength(0, CLARIFY_BODY_MAX)
  body?: string;
}

export class ClarifyResultDto {
  @ApiProperty({ description: 'The conversation the request was posted to (existing open one, or new)' }) conversationId!: string;
}
