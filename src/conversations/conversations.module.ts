import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CsatModule } from '../csat/csat.module';
import { PostgresNotificationsModule } from '../database/postgres-notifications.module';
import { EventsModule } from '../events/events.module';
import { FilesModule } from '../files/files.module';
import { IntercomModule } from '../intercom/intercom.module';
import { MessagesModule } from '../messages/messages.module';
import { MetricsModule } from '../metrics/metrics.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { UnreadIndexModule } from '../unread/unread-index.module';
import { ConversationRead } from './conversation-read.entity';
import { ConversationSnapshotsService } from './conversation-snapshots.service';
import { ConversationStarterService } from './conversation-starter.service';
import { ConversationTopic } from './conversation-topic.entity';
import { ConversationsController } from './conversations.controller';
import { ConversationsService } from './conversations.service';
import { SnapshotInvalidationBus } from './snapshot-invalidation.bus';

@Module({
  imports: [
    TypeOrmModule.forFeature([ConversationRead, ConversationTopic]),
    FilesModule,
    CsatModule,
    IntercomModule,
    MessagesModule,
    MetricsModule,
    UnreadIndexModule,
    NotificationsModule,
    PostgresNotificationsModule,
    EventsModule,
  ],
  controllers: [ConversationsController],
  providers: [ConversationsService, ConversationSnapshotsService, ConversationStarterService, SnapshotInvalidationBus],
  // The webhooks feature updates snapshots through ConversationSnapshotsService.
  exports: [ConversationSnapshotsService, ConversationsService],
})
export class ConversationsModule {}
