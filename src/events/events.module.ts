import { Module } from '@nestjs/common';
import { PostgresNotificationsModule } from '../database/postgres-notifications.module';
import { MetricsModule } from '../metrics/metrics.module';
import { EVENT_BUS } from './event-bus';
import { EventRecipients } from './event-recipients';
import { EventsController } from './events.controller';
import { EventsHub } from './events-hub';
import { EventsService } from './events.service';
import { IntercomStreamEvents } from './intercom-stream-events';
import { OwnWriteEvents } from './own-write-events';
import { PostgresEventBus } from './postgres-event-bus';
import { StreamTicketsService } from './stream-tickets.service';
import { UserEventRetention } from './user-event-retention';
import { UserEventsService } from './user-events.service';

// Realtime (api.md › Realtime events): the per-user event log, the bus between instances, the
// hub and the SSE stream. Writers (webhooks, conversations, tickets) use UserEventsService.
@Module({
  imports: [PostgresNotificationsModule, MetricsModule],
  controllers: [EventsController],
  providers: [
    { provide: EVENT_BUS, useClass: PostgresEventBus },
    UserEventsService,
    UserEventRetention,
    EventRecipients,
    IntercomStreamEvents,
    StreamTicketsService,
    EventsHub,
    EventsService,
    OwnWriteEvents,
  ],
  exports: [UserEventsService, IntercomStreamEvents, EventsHub, OwnWriteEvents],
})
export class EventsModule {}
