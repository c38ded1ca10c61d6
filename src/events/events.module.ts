import { Module } from '@nestjs/common';
import { PostgresNotificationsModule } from '../database/postgres-notifications.module';
import { IntercomModule } from '../intercom/intercom.module';
import { MetricsModule } from '../metrics/metrics.module';
import { EVENT_BUS } from './event-bus';
import { EventRecipients } from './event-recipients';
import { EventsController } from './events.controller';
import { EventsRepository } from './events.repository';
import { EventsHub } from './events-hub';
import { EventsService } from './events.service';
import { PostgresEventBus } from './postgres-event-bus';
import { StreamTicketsService } from './stream-tickets.service';
import { UserEventRetention } from './user-event-retention';
import { UserEventsService } from './user-events.service';

// Realtime (api.md › Realtime events): the per-user event log, the bus between instances, the
// hub and the SSE stream. Writers (webhooks, conversations, tickets) use UserEventsService; the
// events of a conversation or ticket are built in its own feature (ConversationStreamEvents,
// TicketStreamEvents), so this folder imports none of them.
@Module({
  imports: [PostgresNotificationsModule, MetricsModule, IntercomModule],
  controllers: [EventsController],
  providers: [
    { provide: EVENT_BUS, useClass: PostgresEventBus },
    EventsRepository,
    UserEventsService,
    UserEventRetention,
    EventRecipients,
    StreamTicketsService,
    EventsHub,
    EventsService,
  ],
  exports: [UserEventsService, EventRecipients, EventsHub],
})
export class EventsModule {}
