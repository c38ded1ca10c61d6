import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ConversationsModule } from '../conversations/conversations.module';
import { MetricsModule } from '../metrics/metrics.module';
import { EventsModule } from '../events/events.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { TicketsModule } from '../tickets/tickets.module';
import { UnreadIndexModule } from '../unread-index/unread-index.module';
import { WebhookEffects } from './webhook-effects';
import { WebhookInboxMetrics } from './webhook-inbox.metrics';
import { WebhookInboxWorker } from './webhook-inbox.worker';
import { WebhooksController } from './webhooks.controller';
import { WebhookInboxStoreModule } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

@Module({
  imports: [
    WebhookInboxStoreModule,
    AuthModule,
    ConversationsModule,
    TicketsModule,
    NotificationsModule,
    MetricsModule,
    UnreadIndexModule,
    EventsModule,
  ],
  controllers: [WebhooksController],
  providers: [WebhooksService, WebhookInboxWorker, WebhookEffects, WebhookInboxMetrics],
})
export class WebhooksModule {}
