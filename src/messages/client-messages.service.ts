import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { AppError } from '../common/errors';
import { storableJson } from '../common/safe-text';
import { MessagesRepository } from './messages.repository';

export interface IdempotencyKey {
  userId: string;
  clientMessageId: string | undefined;
  scope: 'conversation.create' | 'conversation.reply' | 'conversation.quick_reply' | 'ticket.reply';
  // The conversation / ticket the message goes to (unknown before a create).
  targetId?: string;
}

export interface WorkResult<T> {
  result: T;
  targetId?: string;
  partId?: string;
}

export type Work<T> = (checkpoint: (partial: WorkResult<T>) => Promise<void>) => Promise<WorkResult<T>>;

const WAIT_STEP_MS = 100;
const MAX_WAIT_MS = 15_000;
// A pending row this old belongs to an attempt that died (crash, timeout): a retry takes it over.
const STALE_AFTER_MS = 60_000;
// Writing the result is retried at once a few times (a dropped connection, a failover)...
const RECORD_ATTEMPTS_MS = [0, 100, 400];
// ...then in the background until the database takes it; meanwhile this process answers retries.
// At most 5 s apart: after an outage longer than STALE_AFTER_MS, another instance could take the
// row over (and send again) in the gap between the database's return and our next try.
const FLUSH_RETRY_MS = [1_000, 2_000, 5_000];
// Bounds the memory a long database outage can take; beyond it the oldest results are dropped.
const MAX_UNRECORDED = 10_000;

interface Unrecorded {
  outcome: WorkResult<unknown>;
  attempts: number;
}

// Runs a write to Intercom at most once per (user, clientMessageId) and replays its result to
// every retry — sequential or racing — including retries whose first response was lost.
@Injectable()
export class ClientMessagesService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ClientMessagesService.name);
  // Results Intercom accepted that the database did not take yet, by row id (#15 item 4).
  private readonly unrecorded = new Map<string, Unrecorded>();
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(private readonly rows: MessagesRepository) {}

  async beforeApplicationShutdown(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    await this.flush();
    if (this.unrecorded.size > 0) this.logger.error({ count: this.unrecorded.size }, 'Stopping with message results not recorded');
  }

  // `work` may call `checkpoint` right after its first write to Intercom: from then on a retry
  // replays that result even if a later step of the same attempt fails.
  async runOnce<T>(key: IdempotencyKey, work: Work<T>): Promise<T> {
    if (!key.clientMessageId) return (await work(async () => undefined)).result;
    const claimedId = await this.rows.claim({
      userId: key.userId,
      clientMessageId: key.clientMessageId,
      scope: key.scope,
      targetId: key.targetId ?? null,
    });
    if (claimedId) return this.perform(claimedId, work);
    return this.awaitExisting(key, work);
  }

  // partId → clientMessageId for one conversation/ticket, to label messages. Only its owner can
  // have written to it, so the user id is optional.
  async clientMessageIdsFor(userId: string | undefined, targetId: string): Promise<Map<string, string>> {
    const rows = await this.rows.doneFor(userId, targetId);
    return new Map(rows.filter((row) => row.partId).map((row) => [row.partId!, row.clientMessageId]));
  }

  // clientMessageIdsFor(undefined, id) of many targets in one query: target id → part id → client id.
  async clientMessageIdsForTargets(targetIds: readonly string[]): Promise<Map<string, Map<string, string>>> {
    const byTarget = new Map<string, Map<string, string>>();
    if (targetIds.length === 0) return byTarget;
    const rows = await this.rows.doneForTargets(targetIds);
    for (const row of rows) {
      if (!row.partId || !row.targetId) continue;
      const ids = byTarget.get(row.targetId) ?? new Map<string, string>();
      byTarget.set(row.targetId, ids.set(row.partId, row.clientMessageId));
    }
    return byTarget;
  }

  // Once `work` has checkpointed, Intercom holds the message: from then on nothing may free the key,
  // and a failure to write the result (the checkpoint's or the final one) never fails the send.
  private async perform<T>(rowId: string, work: Work<T>): Promise<T> {
    let checkpointed = false;
    let outcome: WorkResult<T>;
    try {
      outcome = await work(async (partial) => {
        checkpointed = true;
        await this.record(rowId, partial);
      });
    } catch (error) {
      // Nothing was written to Intercom: free the key so the client's retry can proceed.
      if (!checkpointed) await this.rows.release(rowId);
      throw error;
    }
    await this.record(rowId, outcome);
    return outcome.result;
  }

  // Writes the result, retrying briefly; if the database still refuses, keeps it here (answering
  // retries from memory) and keeps trying in the background. Never throws.
  private async record(rowId: string, outcome: WorkResult<unknown>): Promise<void> {
    let failure: unknown;
    for (const delayMs of RECORD_ATTEMPTS_MS) {
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      try {
        await this.write(rowId, outcome);
        this.unrecorded.delete(rowId);
        return;
      } catch (error) {
        failure = error;
      }
    }
    this.logger.error({ err: failure, rowId }, 'Could not record a sent message; retrying in the background');
    this.unrecorded.delete(rowId);
    this.unrecorded.set(rowId, { outcome, attempts: 0 });
    while (this.unrecorded.size > MAX_UNRECORDED) {
      const [oldest] = this.unrecorded.keys();
      this.unrecorded.delete(oldest);
      this.logger.error({ rowId: oldest }, 'Dropped an unrecorded message result: a retry of it may post it again');
    }
    this.scheduleFlush(FLUSH_RETRY_MS[0]);
  }

  private async write(rowId: string, outcome: WorkResult<unknown>): Promise<void> {
    await this.rows.complete(rowId, {
      // Intercom's text may hold what jsonb cannot store: a result must never fail to be kept.
      result: storableJson(outcome.result) as object,
      partId: outcome.partId ?? null,
      targetId: outcome.targetId,
    });
  }

  private scheduleFlush(delayMs: number): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush().then(() => {
        if (this.unrecorded.size === 0) return;
        const attempts = Math.min(...[...this.unrecorded.values()].map((entry) => entry.attempts));
        this.scheduleFlush(FLUSH_RETRY_MS[Math.min(attempts, FLUSH_RETRY_MS.length - 1)]);
      });
    }, delayMs).unref();
  }

  private async flush(): Promise<void> {
    for (const [rowId, entry] of [...this.unrecorded]) {
      try {
        await this.write(rowId, entry.outcome);
        this.unrecorded.delete(rowId);
      } catch {
        entry.attempts += 1;
      }
    }
  }

  private async awaitExisting<T>(key: IdempotencyKey, work: Work<T>): Promise<T> {
    const deadline = Date.now() + MAX_WAIT_MS;
    for (;;) {
      const row = await this.rows.find(key.userId, key.clientMessageId!);
      if (!row) return this.runOnce(key, work); // the first attempt failed and released the key
      if (row.scope !== key.scope || (key.targetId && row.targetId && row.targetId !== key.targetId)) {
        throw new AppError('conflict', 'clientMessageId was already used for a different message');
      }
      if (row.state === 'done') return row.result as T;
      // Sent by this process, its result not in the database yet: answer it, never send again.
      const remembered = this.unrecorded.get(row.id);
      if (remembered) return remembered.outcome.result as T;
      if (await this.rows.takeOver(row.id, new Date(Date.now() - STALE_AFTER_MS))) return this.perform(row.id, work);
      if (Date.now() > deadline) throw new AppError('conflict', 'A request with this clientMessageId is still in progress; retry shortly');
      await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
    }
  }
}
