import { Module } from '@nestjs/common';
import { FilesModule } from '../files/files.module';
import { TicketCatalogService } from './ticket-catalog.service';
import { TicketsController } from './tickets.controller';
import { TicketsService } from './tickets.service';

// IntercomService and ClientMessagesService come from their global modules.
@Module({
  imports: [FilesModule],
  controllers: [TicketsController],
  providers: [TicketsService, TicketCatalogService],
})
export class TicketsModule {}
