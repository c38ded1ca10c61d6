import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module';
import { UnreadIndexModule } from '../unread-index/unread-index.module';
import { UnreadController } from './unread.controller';
import { UnreadService } from './unread.service';

@Module({ imports: [ConversationsModule, UnreadIndexModule], controllers: [UnreadController], providers: [UnreadService] })
export class UnreadModule {}
