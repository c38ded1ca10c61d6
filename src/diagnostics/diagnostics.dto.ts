import { ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { AcceptsUnknownFields, SAFE_TEXT_EXTENSION } from '../openapi/schema.decorators';

export const DIAGNOSTICS_MAX_BYTES = 16 * 1024;
export const DIAGNOSTICS_MAX_METRICS = 32;
export const DIAGNOSTICS_PLATFORMS = ['ios', 'android', 'tma', 'web'] as const;
export const METRIC_NAME_PATTERN = '^[A-Za-z][A-Za-z0-9_.]{0,39}$';

const SHAPED = 'A value outside the expected shape is recorded as "[invalid]".';

// The allow-list: documentation for OpenAPI; diagnostics.sanitizer.ts enforces the same table
// (null = absent; lengths in code points; other fields are dropped, never refused).
@AcceptsUnknownFields()
export class DiagnosticsDto {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: 16,
    description: `One of ${DIAGNOSTICS_PLATFORMS.join(', ')}. ${SHAPED}`,
  })
  platform?: string;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: 32,
    example: '3.14.1',
    description: `Digits, letters, . + - _. ${SHAPED}`,
  })
  appVersion?: string;
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 32, example: '17.4.1', description: SHAPED }) osVersion?: string;
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 64, example: 'iPhone15,2', description: 'Redacted free text' })
  deviceModel?: string;
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 16, example: 'en-GB', description: SHAPED }) locale?: string;
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 16, example: 'wifi', description: SHAPED }) networkType?: string;
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 64, example: 'chat_open', description: 'Redacted free text' })
  eventName?: string;
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 64, example: 'E_TIMEOUT', description: 'Redacted free text' })
  errorCode?: string;
  @ApiPropertyOptional({
    type: 'object',
    nullable: true,
    additionalProperties: { type: 'number', minimum: 0 },
    [SAFE_TEXT_EXTENSION]: true,
    maxProperties: DIAGNOSTICS_MAX_METRICS,
    description: `Durations in ms by name (names match ${METRIC_NAME_PATTERN}; other names are dropped)`,
    example: { coldStartMs: 812 },
  } as ApiPropertyOptions)
  timings?: Record<string, number>;
  @ApiPropertyOptional({
    type: 'object',
    nullable: true,
    additionalProperties: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    [SAFE_TEXT_EXTENSION]: true,
    maxProperties: DIAGNOSTICS_MAX_METRICS,
    description: 'Non-negative integer counters by name (same naming rule as timings)',
    example: { pollErrors: 2 },
  } as ApiPropertyOptions)
  counters?: Record<string, number>;
}
