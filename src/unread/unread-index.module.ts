import { Module } from '@nestjs/common';
import { UnreadIndexService } from './unread-index.service';

// The index alone (no routes): conversations, webhooks and notifications write and read it.
@Module({ providers: [UnreadIndexService], exports: [UnreadIndexService] })
export class UnreadIndexModule {}
