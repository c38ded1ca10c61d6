import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { AppError } from '../common/errors';
import { currentRequestUser } from '../common/request-user';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';

const WINDOW_MS = 60_000;

interface Window {
  calls: number;
  endsAt: number;
}

// Intercom's call budget is the app's, shared by every user: one user (polling ids that are not
// theirs, listing in a loop) must not spend it for all. Each user may cause at most
// INTERCOM_USER_CALLS_PER_MIN calls per minute (fixed window, per instance, like the request
// limits). A request that has not called Intercom yet is refused with 429 once the user is over;
// one already under way finishes (its calls still count), so a send is never cut in half.
@Injectable()
export class IntercomUserBudget implements OnModuleDestroy {
  private readonly windows = new Map<string, Window>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.sweeper = setInterval(() => this.sweep(), WINDOW_MS);
    this.sweeper.unref();
  }

  // Counts one Intercom call for the current request's user (none outside a user's request).
  charge(): void {
    const request = currentRequestUser();
    if (!request?.userId) return;
    const now = Date.now();
    let window = this.windows.get(request.userId);
    if (!window || window.endsAt <= now) {
      window = { calls: 0, endsAt: now + WINDOW_MS };
      this.windows.set(request.userId, window);
    }
    if (request.intercomCalls === 0 && window.calls >= this.config.intercom.userCallsPerMinute) {
      const retryAfter = Math.max(1, Math.ceil((window.endsAt - now) / 1000));
      throw new AppError('rate_limited', 'Too many requests reaching Intercom for this user, slow down', {
        'retry-after': String(retryAfter),
      });
    }
    window.calls += 1;
    request.intercomCalls += 1;
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [userId, window] of this.windows) if (window.endsAt <= now) this.windows.delete(userId);
  }
}
