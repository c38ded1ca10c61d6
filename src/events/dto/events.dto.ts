import { ApiProperty } from '@nestjs/swagger';

export class StreamTicketDto {
  @ApiProperty({ description: 'Single use, for GET /api/events?ticket=…', example: 'k3Jd…' })
  ticket!: string;

  @ApiProperty({ type: 'integer', description: 'Unix ms; the ticket is refused after it (60 s)' })
  expiresAt!: number;
}
