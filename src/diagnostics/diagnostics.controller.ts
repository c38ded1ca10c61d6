import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiNoContentResponse, ApiOperation, ApiPayloadTooLargeResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type SessionUser } from '../common/auth.decorators';
import { DIAGNOSTICS_MAX_BYTES, DiagnosticsDto } from './diagnostics.dto';
import { DiagnosticsService } from './diagnostics.service';

@ApiTags('diagnostics')
@ApiBearerAuth('session')
@Controller('api/diagnostics')
export class DiagnosticsController {
  constructor(private readonly diagnostics: DiagnosticsService) {}

  // The body is typed loosely on purpose: the global pipe would reject unknown fields, while
  // diagnostics drop them (DiagnosticsService applies the allow-list).
  @Post()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Report device telemetry',
    description: `Allow-listed fields only; unknown fields are dropped; e-mails, phone and card numbers, JWTs and other tokens, IP addresses are redacted. At most ${DIAGNOSTICS_MAX_BYTES} bytes (else 413).`,
  })
  @ApiBody({ type: DiagnosticsDto })
  @ApiNoContentResponse({ description: 'Accepted' })
  @ApiPayloadTooLargeResponse({ description: `Body over ${DIAGNOSTICS_MAX_BYTES} bytes` })
  report(@CurrentUser() user: SessionUser, @Body() body: Record<string, unknown>, @Headers('content-length') length?: string): void {
    this.diagnostics.record(user.userId, body, length === undefined ? undefined : Number(length));
  }
}
