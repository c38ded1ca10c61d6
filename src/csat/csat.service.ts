import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { SessionUser } from '../auth/auth.decorators';
import { AppError } from '../common/errors';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { IntercomNotFoundError, IntercomRejectedError, IntercomUnavailableError } from '../intercom/intercom-errors';
import { IntercomService } from '../intercom/intercom.service';
import { isCustomerFacing } from '../intercom/ticket-category';
import { type JobContext, JobsService } from '../jobs/jobs.service';
import { CsatRepository } from './csat.repository';
import type { CreateCsatDto, CsatResultDto } from './dto/csat.dto';

export const CSAT_FOLLOW_UP_QUEUE = 'csat.follow-up';

// What is left to do in Intercom for a stored rating, retried durably until Intercom answers.
interface FollowUp {
  ratingId: string;
  userId: string;
  ticketId: string | null;
  conversationId: string | null;
  // The rating was stored while Intercom could not confirm the caller owns the target.
  verifyOwnership: boolean;
  // When the tag was (re)queued, Unix ms: the give-up window (CSAT_TAG_GIVE_UP_AFTER_SECONDS) runs from it.
  queuedAt?: number;
}

export interface StoredRating {
  stars: number;
  comment: string | null;
  createdAt: number;
}

// Retries are bounded by time (CSAT_TAG_GIVE_UP_AFTER_SECONDS), after which the tag is a dead letter;
// this count only backs that up. The job's retention outlasts the window by a day, so pg-boss never
// deletes a waiting job before it could give up (a deleted job would lose the tag without a trace).
const FOLLOW_UP_RETRY_LIMIT = 10_000;
const RETENTION_MARGIN_SECONDS = 86_400;

@Injectable()
export class CsatService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Csat');

  constructor(
    private readonly repository: CsatRepository,
    private readonly intercom: IntercomService,
    private readonly jobs: JobsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): Promise<void> {
    return this.jobs.work<FollowUp>(CSAT_FOLLOW_UP_QUEUE, (followUp, job) => this.followUp(followUp, job));
  }

  async rate(user: SessionUser, rating: CreateCsatDto): Promise<CsatResultDto> {
    const ticketId = rating.ticketId ?? null;
    const conversationId = rating.conversationId ?? null;
    if (!ticketId && !conversationId) throw new AppError('validation_error', 'ticketId or conversationId is required');
    // 404 for a target that is not the caller's; when Intercom cannot answer, the rating is kept
    // and ownership is checked by the follow-up job before anything is done with it.
    const ownership = await this.ownership(user, ticketId, conversationId).catch((error: unknown) => {
      if (error instanceof IntercomUnavailableError) return 'unknown' as const;
      throw error;
    });
    if (ownership === 'not_owned') throw new AppError('not_found', 'Not found');
    const verified = ownership === 'owned';
    const id = await this.repository.insertRating({
      userId: user.userId,
      ticketId,
      conversationId,
      stars: rating.stars,
      comment: rating.comment ?? null,
    });
    if (!id) return { id: null, duplicate: true };
    const followUp: FollowUp = { ratingId: id, userId: user.userId, ticketId, conversationId, verifyOwnership: !verified };
    if (verified && conversationId) await this.tagNowOrLater(followUp);
    else if (!verified) await this.enqueue(followUp);
    return { id, duplicate: false };
  }

  async ratedTicketIds(userId: string, ticketIds: string[]): Promise<Set<string>> {
    if (ticketIds.length === 0) return new Set();
    return new Set(await this.repository.ratedTicketIds(userId, ticketIds));
  }

  async ratedConversationIds(userId: string, conversationIds: string[]): Promise<Set<string>> {
    if (conversationIds.length === 0) return new Set();
    return new Set(await this.repository.ratedConversationIds(userId, conversationIds));
  }

  // The caller's own rating of a conversation, for the conversation detail's `rating`.
  async ratingForConversation(userId: string, conversationId: string): Promise<StoredRating | null> {
    const row = await this.repository.ratingForConversation(userId, conversationId);
    return row ? { stars: row.stars, comment: row.comment, createdAt: row.created_at.getTime() } : null;
  }

  // Missing, someone else's, refused by Intercom (a 4xx on the lookup) and (for tickets) not
  // customer-facing are all "not owned", answered with the same 404: a back-office or tracker
  // ticket is invisible to the user (api.md › Tickets), rating it must not reveal that it exists.
  private async ownership(user: SessionUser, ticketId: string | null, conversationId: string | null): Promise<'owned' | 'not_owned'> {
    try {
      const contactId = await this.intercom.contactIdFor(user);
      if (ticketId) {
        const ticket = await this.intercom.getTicket(ticketId);
        if (!ticket?.contacts?.contacts?.some((contact) => contact.id === contactId) || !isCustomerFacing(ticket)) return 'not_owned';
      }
      if (conversationId) {
        const conversation = await this.intercom.getConversation(conversationId);
        if (!conversation?.contacts?.contacts?.some((contact) => contact.id === contactId)) return 'not_owned';
      }
      return 'owned';
    } catch (error) {
      if (error instanceof IntercomRejectedError) return 'not_owned';
      throw error;
    }
  }

  private async tagNowOrLater(followUp: FollowUp): Promise<void> {
    try {
      await this.intercom.tagConversation(followUp.conversationId!, this.config.csat.tagName);
    } catch (error) {
      if (!(error instanceof IntercomUnavailableError)) {
        await this.giveUp(followUp.ratingId, error);
        return;
      }
      await this.enqueue(followUp);
    }
  }

  private async enqueue(followUp: FollowUp): Promise<void> {
    // The rating is stored either way; a lost enqueue costs only the Intercom tag, so it is logged, not raised.
    await this.jobs
      .send(
        CSAT_FOLLOW_UP_QUEUE,
        { ...followUp, queuedAt: followUp.queuedAt ?? Date.now() },
        {
          retryLimit: FOLLOW_UP_RETRY_LIMIT,
          retryDelay: this.config.csat.tagRetryDelaySeconds,
          retryDelayMax: this.config.csat.tagRetryDelayMaxSeconds,
          retryBackoff: true,
          retentionSeconds: this.config.csat.tagGiveUpAfterSeconds + RETENTION_MARGIN_SECONDS,
          singletonKey: followUp.ratingId,
        },
      )
      .catch((error: unknown) => this.logger.error({ err: error, ratingId: followUp.ratingId }, 'Could not queue the CSAT follow-up'));
  }

  // Dead letters (src/dead-letters): a replay clears the give-up and queues the tag again.
  async retryTag(ratingId: string): Promise<boolean> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ratingId)) return false;
    const rating = await this.repository.clearGivenUp(ratingId);
    if (!rating) return false;
    await this.enqueue({
      ratingId,
      userId: rating.user_id,
      ticketId: null,
      conversationId: rating.conversation_id,
      verifyOwnership: false,
    });
    return true;
  }

  // Intercom refused the tag for good (conversation gone, or a 4xx such as a token without the
  // tags scope), or could not take it for CSAT_TAG_GIVE_UP_AFTER_SECONDS: retrying cannot help until
  // someone fixes the cause, so the rating keeps a dead letter (csat_tag_dead_letters counts them).
  private async giveUp(ratingId: string, error: unknown, retries?: string): Promise<void> {
    const reason = (error instanceof Error ? error.message : String(error)).slice(0, 500);
    const cause = error instanceof IntercomRejectedError ? error.detail : reason;
    const detail = (retries ? `${retries}: ${cause}` : cause).slice(0, 500);
    await this.repository.markGivenUp(ratingId, detail);
    this.logger.warn({ ratingId, code: error instanceof AppError ? error.code : 'unknown', detail }, 'CSAT tag given up');
  }

  // Job handler: throwing (Intercom still down) leaves the job for a backed-off retry.
  private async followUp(followUp: FollowUp, job: JobContext): Promise<void> {
    if (followUp.verifyOwnership) {
      const user: SessionUser = { userId: followUp.userId, telegramChatId: null, name: null, email: null };
      if ((await this.ownership(user, followUp.ticketId, followUp.conversationId)) === 'not_owned') {
        // Accepted during an outage but not the caller's after all: the rating is withdrawn.
        await this.repository.deleteRating(followUp.ratingId);
        this.logger.warn({ ratingId: followUp.ratingId }, 'CSAT rating for a target not owned by the rater was removed');
        return;
      }
    }
    if (!followUp.conversationId) return;
    try {
      await this.intercom.tagConversation(followUp.conversationId, this.config.csat.tagName);
    } catch (error) {
      // A conversation that no longer exists (or that Intercom refuses to tag) will not become
      // taggable by retrying; an outage is retried.
      if (error instanceof IntercomRejectedError || error instanceof IntercomNotFoundError) {
        await this.giveUp(followUp.ratingId, error);
        return;
      }
      // Still an outage: retried, until the give-up window is over.
      const waitedSeconds = Math.round((Date.now() - (followUp.queuedAt ?? Date.now())) / 1000);
      if (waitedSeconds >= this.config.csat.tagGiveUpAfterSeconds || job.retryCount >= FOLLOW_UP_RETRY_LIMIT) {
        await this.giveUp(followUp.ratingId, error, `gave up after ${job.retryCount + 1} attempts over ${waitedSeconds} s`);
        return;
      }
      throw error;
    }
  }
}
