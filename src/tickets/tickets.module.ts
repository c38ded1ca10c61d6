import { Module } from '@nestjs/common';
import { CsatModule } from '../csat/csat.module';
import { EventsModule } from '../events/events.module';
import { FilesModule } from '../files/files.module';
import { IntercomModule } from '../intercom/intercom.module';
import { MessagesModule } from '../messages/messages.module';
import { TicketCatalogService } from './ticket-catalog.service';
import { TicketsController } from './tickets.controller';
import { TicketStreamEvents } from './ticket-stream-events';
import { TicketsService } from './tickets.service';

@Module({
  imports: [FilesModule, CsatModule, IntercomModule, MessagesModule, EventsModule],
  controllers: [TicketsController],
  providers: [TicketsService, TicketCatalogService, TicketStreamEvents],
  // The webhooks feature logs a ticket's stream events through it.
  exports: [TicketStreamEvents],
})
export class TicketsModule {}
