import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '../config/config';
import { ConfigModule } from '../config/config.module';
import { CsatModule } from '../csat/csat.module';
import { DatabaseModule } from '../database/database.module';
import { IntercomModule } from '../intercom/intercom.module';
import { JobsModule } from '../jobs/jobs.module';
import { WebhookInboxStoreModule } from '../webhooks/webhooks.repository';
import { DeadLettersService } from './dead-letters.service';

@Module({ imports: [CsatModule, WebhookInboxStoreModule], providers: [DeadLettersService], exports: [DeadLettersService] })
export class DeadLettersModule {}

// What `npm run webhooks:failed` / `webhooks:replay` boot: the database and the CSAT job queue,
// no HTTP server, no inbox workers.
@Module({})
export class DeadLettersCliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: DeadLettersCliModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule, IntercomModule, JobsModule, DeadLettersModule],
    };
  }
}
