import { ApiProperty } from '@nestjs/swagger';

export class ReadinessChecksDto {
  @ApiProperty({ enum: ['up', 'down'] }) database!: 'up' | 'down';
  @ApiProperty({ enum: ['closed', 'half_open', 'open'] }) intercom!: 'closed' | 'half_open' | 'open';
}

export class ReadinessDto {
  @ApiProperty({ enum: ['ok', 'unavailable'] }) status!: 'ok' | 'unavailable';
  @ApiProperty({ type: ReadinessChecksDto }) checks!: ReadinessChecksDto;
}

export class LivenessDto {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
  @ApiProperty({ description: 'package version', example: '0.1.0' }) version!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'commit the build was made from (GIT_COMMIT at build time), null when unknown',
    example: '3239089c0ffee',
  })
  commit!: string | null;
}
