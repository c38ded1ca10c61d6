import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { SessionUser } from '../auth/auth.decorators';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { ConversationsService } from '../conversations/conversations.service';
import type { UnreadDto } from './dto/unread.dto';
import { UnreadIndexService } from '../unread-index/unread-index.service';

const MAX_TRACKED_USERS = 50_000;

// GET /api/unread. A warm index answers from Postgres alone. A cold one (the user never listed
// their conversations since the index existed) is built the way the list builds it, at most once
// per user per UNREAD_REFRESH_SECONDS (single flight); between two attempts the index answers as is.
@Injectable()
export class UnreadService {
  private readonly lastRefresh: LRUCache<string, number>;
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly index: UnreadIndexService,
    private readonly conversations: ConversationsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.lastRefresh = new LRUCache({ max: MAX_TRACKED_USERS, ttl: config.unread.refreshMs });
  }

  async unread(user: SessionUser): Promise<UnreadDto> {
    if (!(await this.index.isWarm(user.userId))) await this.refresh(user);
    return this.index.summary(user.userId);
  }

  private refresh(user: SessionUser): Promise<void> {
    const pending = this.inFlight.get(user.userId);
    if (pending) return pending;
    if (this.lastRefresh.has(user.userId)) return Promise.resolve();
    this.lastRefresh.set(user.userId, Date.now());
    const refresh = this.conversations
      .list(user)
      .then(() => undefined)
      .finally(() => this.inFlight.delete(user.userId));
    this.inFlight.set(user.userId, refresh);
    return refresh;
  }
}
