import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuthModule } from './auth/auth.module';
import { ErrorEnvelopeFilter } from './common/error-envelope.filter';
import type { AppConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { ConversationsModule } from './conversations/conversations.module';
import { DatabaseModule } from './database/database.module';
import { FilesModule } from './files/files.module';
import { CsatModule } from './csat/csat.module';
import { DevicesModule } from './devices/devices.module';
import { DiagnosticsModule } from './diagnostics/diagnostics.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { TicketsModule } from './tickets/tickets.module';
import { DevSignInModule } from './tma/dev-sign-in.module';
import { UnreadModule } from './unread/unread.module';
import { WebhooksModule } from './webhooks/webhooks.module';

// The features that serve routes or run workers; each owns its folder under src/ and imports what
// it uses (Intercom, messages, jobs, ...) itself: nothing but the config is global, so a missing
// import fails at boot (test/module-graph.e2e-spec.ts).
const FEATURE_MODULES = [
  MetricsModule,
  AuthModule,
  HealthModule,
  FilesModule,
  DevicesModule,
  DiagnosticsModule,
  CsatModule,
  ConversationsModule,
  TicketsModule,
  UnreadModule,
  WebhooksModule,
  EventsModule,
];

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule, ...FEATURE_MODULES, ...(config.tma.devSignIn ? [DevSignInModule] : [])],
      // The session guard (APP_GUARD) comes with AuthModule; the filter asks it about unknown routes.
      providers: [{ provide: APP_FILTER, useClass: ErrorEnvelopeFilter }],
    };
  }
}
