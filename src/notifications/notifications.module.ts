import { Module } from '@nestjs/common';
import { DevicesModule } from '../devices/devices.module';
import { MetricsModule } from '../metrics/metrics.module';
import { NotificationsService } from './notifications.service';
import { PushChannels } from './push-channels';

@Module({ imports: [DevicesModule, MetricsModule], providers: [NotificationsService, PushChannels], exports: [NotificationsService] })
export class NotificationsModule {}
