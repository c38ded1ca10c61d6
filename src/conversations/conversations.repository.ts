import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type Repository } from 'typeorm';
import { ConversationTopic } from './conversation-topic.entity';

// Owner of conversation_topics (the topic a conversation was started with), through its entity.
// conversation_reads, whose entity lives here too, belongs to the unread index (unread-index.repository.ts).
@Injectable()
export class ConversationsRepository {
  constructor(@InjectRepository(ConversationTopic) private readonly topics: Repository<ConversationTopic>) {}

  topicOf(conversationId: string): Promise<ConversationTopic | null> {
    return this.topics.findOneBy({ conversationId });
  }

  topicsOf(conversationIds: readonly string[]): Promise<ConversationTopic[]> {
    return this.topics.findBy({ conversationId: In([...conversationIds]) });
  }

  async saveTopic(topic: Pick<ConversationTopic, 'conversationId' | 'userId' | 'main' | 'sub'>): Promise<void> {
    await this.topics.insert(topic);
  }
}
