import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CsatModule } from '../csat/csat.module';
import { PostgresNotificationsModule } from '../database/postgres-notifications.module';
import { EventsModule } from '../events/events.module';
import { FilesModule } from '../files/files.module';
import { IntercomModule } from '../intercom/intercom.module';
import { MessagesModule } from '../messages/messages.module';
import { MetricsModule } from '../metrics/metrics.module';
import { UnreadIndexModule } from '../unread-index/unread-index.module';
import { ConversationSnapshotsService } from './conversation-snapshots.service';
import { ConversationStarterService } from './conversation-starter.service';
import { ConversationStreamEvents } from './conversation-stream-events';
import { ConversationTopic } from './conversation-topic.entity';
import { ConversationsRepository } from './conversations.repository';
import { ConversationsController } from './conversations.controller';
import { ConversationsService } from './conversations.service';
import { SnapshotInvalidationBus } from './snapshot-invalidation.bus';
import { UserLanguagesModule } from '../user-languages/user-languages.module';

@Module({
  imports: [
    TypeOrmModule.forFeature([ConversationTopic]),
    FilesModule,
    CsatModule,
    IntercomModule,
    MessagesModule,
    MetricsModule,
    UnreadIndexModule,
    UserLanguagesModule,
    PostgresNotificationsModule,
    EventsModule,
  ],
  controllers: [ConversationsController],
  providers: [
    ConversationsRepository,
    ConversationsService,
    ConversationSnapshotsService,
    ConversationStarterService,
    ConversationStreamEvents,
    SnapshotInvalidationBus,
  ],
  // The webhooks feature updates snapshots and logs stream events through these.
  exports: [ConversationSnapshotsService, ConversationStreamEvents, ConversationsService],
})
export class ConversationsModule {}
