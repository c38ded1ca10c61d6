import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { UnreadIndexRepository } from './unread-index.repository';
import { UnreadIndexService } from './unread-index.service';
import { UnreadReadsService } from './unread-reads.service';

// The index alone (no routes): conversations, webhooks and notifications write and read it.
@Module({
  imports: [EventsModule],
  providers: [UnreadIndexRepository, UnreadIndexService, UnreadReadsService],
  exports: [UnreadIndexService, UnreadReadsService],
})
export class UnreadIndexModule {}
