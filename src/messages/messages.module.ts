import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientMessage } from './client-message.entity';
import { ClientMessagesService } from './client-messages.service';
import { MessagesRepository } from './messages.repository';

// Shared by conversations and tickets: the Intercom → message mapper (message.mapper.ts) and
// clientMessageId idempotency.
@Module({
  imports: [TypeOrmModule.forFeature([ClientMessage])],
  providers: [MessagesRepository, ClientMessagesService],
  exports: [ClientMessagesService],
})
export class MessagesModule {}
