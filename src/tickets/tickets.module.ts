import { Module } from '@nestjs/common';
import { CsatModule } from '../csat/csat.module';
import { EventsModule } from '../events/events.module';
import { FilesModule } from '../files/files.module';
import { IntercomModule } from '../intercom/intercom.module';
import { MessagesModule } from '../messages/messages.module';
import { TicketCatalogService } from './ticket-catalog.service';
import { TicketsController } from './tickets.controller';
import { TicketsService } from './tickets.service';

@Module({
  imports: [FilesModule, CsatModule, IntercomModule, MessagesModule, EventsModule],
  controllers: [TicketsController],
  providers: [TicketsService, TicketCatalogService],
})
export class TicketsModule {}
