import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { WebhookEffects } from './webhook-effects';
import { WebhookInboxWorker } from './webhook-inbox.worker';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

@Module({
  imports: [ConversationsModule, NotificationsModule],
  controllers: [WebhooksController],
  providers: [WebhooksService, WebhookInboxWorker, WebhookEffects],
})
export class WebhooksModule {}
