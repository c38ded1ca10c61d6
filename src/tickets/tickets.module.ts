import { Module } from '@nestjs/common';
import { CsatModule } from '../csat/csat.module';
import { FilesModule } from '../files/files.module';
import { TicketCatalogService } from './ticket-catalog.service';
import { TicketsController } from './tickets.controller';
import { TicketsService } from './tickets.service';

// IntercomService and ClientMessagesService come from their global modules.
@Module({
  imports: [FilesModule, CsatModule],
  controllers: [TicketsController],
  providers: [TicketsService, TicketCatalogService],
})
export class TicketsModule {}
