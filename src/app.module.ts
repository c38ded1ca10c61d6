import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AuthModule } from './auth/auth.module';
import { SessionGuard } from './auth/session.guard';
import { ErrorEnvelopeFilter } from './common/error-envelope.filter';
import { UserRateLimiter } from './common/rate-limit';
import type { AppConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { ConversationsModule } from './conversations/conversations.module';
import { DatabaseModule } from './database/database.module';
import { FilesModule } from './files/files.module';
import { CsatModule } from './csat/csat.module';
import { DevicesModule } from './devices/devices.module';
import { DiagnosticsModule } from './diagnostics/diagnostics.module';
import { HealthModule } from './health/health.module';
import { IntercomModule } from './intercom/intercom.module';
import { JobsModule } from './jobs/jobs.module';
import { MessagesModule } from './messages/messages.module';
import { MetricsModule } from './metrics/metrics.module';
import { TicketsModule } from './tickets/tickets.module';
import { UnreadModule } from './unread/unread.module';
import { WebhooksModule } from './webhooks/webhooks.module';

// Feature modules are listed here; each owns its folder under src/.
const FEATURE_MODULES = [
  MetricsModule,
  AuthModule,
  HealthModule,
  FilesModule,
  IntercomModule,
  JobsModule,
  DevicesModule,
  DiagnosticsModule,
  CsatModule,
  MessagesModule,
  ConversationsModule,
  TicketsModule,
  UnreadModule,
  WebhooksModule,
];

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule, ...FEATURE_MODULES],
      providers: [UserRateLimiter, { provide: APP_GUARD, useClass: SessionGuard }, { provide: APP_FILTER, useClass: ErrorEnvelopeFilter }],
    };
  }
}
