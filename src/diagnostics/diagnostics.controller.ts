import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentUser, type SessionUser } from '../auth/auth.decorators';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { DIAGNOSTICS_MAX_BYTES, DiagnosticsDto } from './diagnostics.dto';
import { DiagnosticsService } from './diagnostics.service';

@ApiTags('diagnostics')
@Controller('api/diagnostics')
export class DiagnosticsController {
  constructor(private readonly diagnostics: DiagnosticsService) {}

  // The body is typed loosely on purpose: the global pipe would reject unknown fields, while
  // diagnostics drop them (DiagnosticsService applies the allow-list). The declared size is read
  // from the request, not through @Headers(), which would document it as an input parameter.
  @Post()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Report device telemetry',
    description: `Allow-listed fields only; unknown fields are dropped; e-mails, phone and card numbers, JWTs and other tokens, IP addresses are redacted. At most ${DIAGNOSTICS_MAX_BYTES} bytes (else 413).`,
  })
  @ApiBody({ type: DiagnosticsDto })
  @ApiNoContentResponse({ description: 'Accepted' })
  @ApiErrors(['payload_too_large', `body over ${DIAGNOSTICS_MAX_BYTES} bytes`])
  report(@CurrentUser() user: SessionUser, @Body() body: Record<string, unknown>, @Req() request: FastifyRequest): void {
    const length = request.headers['content-length'];
    this.diagnostics.record(user.userId, body, length === undefined ? undefined : Number(length));
  }
}
