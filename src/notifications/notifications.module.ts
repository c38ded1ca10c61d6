import { Module } from '@nestjs/common';
import { DevicesModule } from '../devices/devices.module';
import { EventsModule } from '../events/events.module';
import { MetricsModule } from '../metrics/metrics.module';
import { UnreadIndexModule } from '../unread-index/unread-index.module';
import { UserLanguagesModule } from '../user-languages/user-languages.module';
import { NotificationsRepository } from './notifications.repository';
import { PushChannels } from './push-channels';
import { PushDecisionsService } from './push-decisions.service';
import { PushDispatcherService } from './push-dispatcher.service';
import { StreamPresence } from './stream-presence';

@Module({
  imports: [DevicesModule, EventsModule, MetricsModule, UnreadIndexModule, UserLanguagesModule],
  providers: [NotificationsRepository, PushDecisionsService, PushDispatcherService, PushChannels, StreamPresence],
  exports: [PushDecisionsService, PushDispatcherService],
})
export class NotificationsModule {}
