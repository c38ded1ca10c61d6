import { Module } from '@nestjs/common';
import { CsatModule } from '../csat/csat.module';
import { FilesModule } from '../files/files.module';
import { MessagesModule } from '../messages/messages.module';
import { TicketCatalogService } from './ticket-catalog.service';
import { TicketsController } from './tickets.controller';
import { TicketsService } from './tickets.service';

// IntercomService comes from its global module; MessagesModule is global too, imported here so
// tickets do not depend on it being listed elsewhere.
@Module({
  imports: [FilesModule, CsatModule, MessagesModule],
  controllers: [TicketsController],
  providers: [TicketsService, TicketCatalogService],
})
export class TicketsModule {}
