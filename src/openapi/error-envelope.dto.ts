import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ERROR_CODES, type ErrorCode } from '../common/errors';

// The one error body (api.md › Conventions); every error response of the document references it.
@ApiSchema({ name: 'ErrorEnvelope', description: 'Every error: HTTP status + this body. The X-Request-Id header carries requestId too.' })
export class ErrorEnvelopeDto {
  @ApiProperty({ enum: ERROR_CODES, description: 'Machine-readable code; the HTTP status follows from it' }) error!: ErrorCode;
  @ApiProperty({ description: 'Human-readable; for validation_error it names the field' }) message!: string;
  @ApiProperty({ description: 'The request id (echo of a sane client X-Request-Id, else minted)' }) requestId!: string;
}
