import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AppError } from '../common/errors';
import { DIAGNOSTICS_MAX_BYTES } from './diagnostics.dto';
import { sanitizeDiagnostics } from './diagnostics.sanitizer';

// Log-only (see README › Local data, Diagnostics): one structured line per report, already sanitised.
@Injectable()
export class DiagnosticsService {
  private readonly logger = new Logger('Diagnostics');

  record(userId: string, body: unknown, declaredBytes: number | undefined): void {
    const bytes = Number.isFinite(declaredBytes) ? declaredBytes! : Buffer.byteLength(JSON.stringify(body ?? null));
    if (bytes > DIAGNOSTICS_MAX_BYTES) throw new AppError('payload_too_large', `Diagnostics are limited to ${DIAGNOSTICS_MAX_BYTES} bytes`);
    const diagnostics = sanitizeDiagnostics(body);
    // A pseudonym lets ops group one user's reports without the log holding the user id itself.
    const reporter = createHash('sha256').update(userId).digest('hex').slice(0, 16);
    this.logger.log({ diagnostics, reporter }, 'Client diagnostics');
  }
}
