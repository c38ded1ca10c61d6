import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { Optional } from '../../common/optional';
import { RequiresOneOf } from '../../openapi/schema.decorators';
import { TextLength } from '../../common/text-length';
import { COMPLAINT_CATEGORIES, type ComplaintCategory } from '../complaint.entity';

const INTERCOM_ID = /^[A-Za-z0-9_-]+$/;
const ID_SCHEMA = { pattern: INTERCOM_ID.source };

@RequiresOneOf('ticketId', 'conversationId')
export class CreateCsatDto {
  @ApiProperty({ minimum: 1, maximum: 5, type: 'integer' })
  @IsInt()
  @Min(1)
  @Max(5)
  stars!: number;

  @ApiPropertyOptional()
  @Optional()
  @IsString()
  @TextLength(0, 2000)
  comment?: string;

  @ApiPropertyOptional({ ...ID_SCHEMA, description: 'The rated ticket (must be yours). At least one of ticketId / conversationId.' })
  @Optional()
  @IsString()
  @TextLength(1, 64)
  @Matches(INTERCOM_ID, { message: 'ticketId is not a valid id' })
  ticketId?: string;

  @ApiPropertyOptional({ ...ID_SCHEMA, description: 'The rated conversation (must be yours); it gets the CSAT tag in Intercom' })
  @Optional()
  @IsString()
  @TextLength(1, 64)
  @Matches(INTERCOM_ID, { message: 'conversationId is not a valid id' })
  conversationId?: string;
}

export class CsatResultDto {
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'null when this was a duplicate' }) id!: string | null;
  @ApiProperty({ description: 'true when this target was already rated by you (200, nothing stored)' }) duplicate!: boolean;
}

export class CreateComplaintDto {
  @ApiProperty({ enum: COMPLAINT_CATEGORIES })
  @IsIn(COMPLAINT_CATEGORIES)
  category!: ComplaintCategory;

  @ApiProperty()
  @IsString()
  @TextLength(10, 5000)
  description!: string;

  @ApiPropertyOptional({ description: 'The conversation the complaint is about' })
  @Optional()
  @IsString()
  @TextLength(1, 128)
  chatId?: string;

  @ApiPropertyOptional({ description: 'The dialog (client-side id) the complaint is about' })
  @Optional()
  @IsString()
  @TextLength(1, 128)
  dialogId?: string;
}

export class ComplaintCreatedDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
}
