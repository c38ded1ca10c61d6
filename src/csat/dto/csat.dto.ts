import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { COMPLAINT_CATEGORIES, type ComplaintCategory } from '../complaint.entity';

const INTERCOM_ID = /^[A-Za-z0-9_-]+$/;

export class CreateCsatDto {
  @ApiProperty({ minimum: 1, maximum: 5, type: 'integer' })
  @IsInt()
  @Min(1)
  @Max(5)
  stars!: number;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  comment?: string;

  @ApiPropertyOptional({ maxLength: 64, description: 'The rated ticket (must be yours). At least one of ticketId / conversationId.' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  @Matches(INTERCOM_ID, { message: 'ticketId is not a valid id' })
  ticketId?: string;

  @ApiPropertyOptional({ maxLength: 64, description: 'The rated conversation (must be yours); it gets the CSAT tag in Intercom' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
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

  @ApiProperty({ minLength: 10, maxLength: 5000 })
  @IsString()
  @Length(10, 5000)
  description!: string;

  @ApiPropertyOptional({ maxLength: 128, description: 'The conversation the complaint is about' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  chatId?: string;

  @ApiPropertyOptional({ maxLength: 128, description: 'The dialog (client-side id) the complaint is about' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  dialogId?: string;
}

export class ComplaintCreatedDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
}
