import { ApiPropertyOptional } from '@nestjs/swagger';

export const DIAGNOSTICS_MAX_BYTES = 16 * 1024;
export const DIAGNOSTICS_MAX_METRICS = 32;
export const DIAGNOSTICS_PLATFORMS = ['ios', 'android', 'tma', 'web'] as const;
export const METRIC_NAME_PATTERN = '^[A-Za-z][A-Za-z0-9_.]{0,39}$';

// The allow-list: documentation for OpenAPI; diagnostics.sanitizer.ts enforces the same table.
export class DiagnosticsDto {
  @ApiPropertyOptional({ enum: DIAGNOSTICS_PLATFORMS }) platform?: string;
  @ApiPropertyOptional({ maxLength: 32, example: '3.14.1', description: 'Version shape only (digits, letters, . + - _)' })
  appVersion?: string;
  @ApiPropertyOptional({ maxLength: 32, example: '17.4.1' }) osVersion?: string;
  @ApiPropertyOptional({ maxLength: 64, example: 'iPhone15,2' }) deviceModel?: string;
  @ApiPropertyOptional({ maxLength: 16, example: 'en-GB' }) locale?: string;
  @ApiPropertyOptional({ maxLength: 16, example: 'wifi' }) networkType?: string;
  @ApiPropertyOptional({ maxLength: 64, example: 'chat_open' }) eventName?: string;
  @ApiPropertyOptional({ maxLength: 64, example: 'E_TIMEOUT' }) errorCode?: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'number', minimum: 0 },
    maxProperties: DIAGNOSTICS_MAX_METRICS,
    description: `Durations in ms by name (names match ${METRIC_NAME_PATTERN}; other names are dropped)`,
    example: { coldStartMs: 812 },
  })
  timings?: Record<string, number>;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'integer', minimum: 0 },
    maxProperties: DIAGNOSTICS_MAX_METRICS,
    description: 'Non-negative integer counters by name (same naming rule as timings)',
    example: { pollErrors: 2 },
  })
  counters?: Record<string, number>;
}
