import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, type Repository } from 'typeorm';
import { AppError } from '../common/errors';
import { ClientMessage } from './client-message.entity';

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

// Runs a write to Intercom at most once per (user, clientMessageId) and replays its result to
// every retry — sequential or racing — including retries whose first response was lost.
@Injectable()
export class ClientMessagesService {
  constructor(@InjectRepository(ClientMessage) private readonly rows: Repository<ClientMessage>) {}

  // `work` may call `checkpoint` right after its first write to Intercom: from then on a retry
  // replays that result even if a later step of the same attempt fails.
  async runOnce<T>(key: IdempotencyKey, work: Work<T>): Promise<T> {
    if (!key.clientMessageId) return (await work(async () => undefined)).result;
    const claimed = await this.rows
      .createQueryBuilder()
      .insert()
      .values({
        userId: key.userId,
        clientMessageId: key.clientMessageId,
        scope: key.scope,
        targetId: key.targetId ?? null,
        state: 'pending',
      })
      .orIgnore()
      .returning(['id'])
      .execute();
    const claimedId = (claimed.raw as { id: string }[])[0]?.id;
    if (claimedId) return this.perform(claimedId, work);
    return this.awaitExisting(key, work);
  }

  // partId → clientMessageId for one conversation/ticket, to label messages. Only its owner can
  // have written to it, so the user id is optional.
  async clientMessageIdsFor(userId: string | undefined, targetId: string): Promise<Map<string, string>> {
    const rows = await this.rows.find({
      select: { partId: true, clientMessageId: true },
      where: { ...(userId ? { userId } : {}), targetId, state: 'done' },
    });
    return new Map(rows.filter((row) => row.partId).map((row) => [row.partId!, row.clientMessageId]));
  }

  private async perform<T>(rowId: string, work: Work<T>): Promise<T> {
    let checkpointed = false;
    const record = (outcome: WorkResult<T>) =>
      this.rows.update(
        { id: rowId },
        {
          state: 'done',
          result: outcome.result as object,
          partId: outcome.partId ?? null,
          ...(outcome.targetId ? { targetId: outcome.targetId } : {}),
        },
      );
    let outcome: WorkResult<T>;
    try {
      outcome = await work(async (partial) => {
        await record(partial);
        checkpointed = true;
      });
    } catch (error) {
      // Nothing was written to Intercom: free the key so the client's retry can proceed.
      if (!checkpointed) await this.rows.delete({ id: rowId, state: 'pending' });
      throw error;
    }
    await record(outcome);
    return outcome.result;
  }

  private async awaitExisting<T>(key: IdempotencyKey, work: Work<T>): Promise<T> {
    const deadline = Date.now() + MAX_WAIT_MS;
    for (;;) {
      const row = await this.rows.findOneBy({ userId: key.userId, clientMessageId: key.clientMessageId });
      if (!row) return this.runOnce(key, work); // the first attempt failed and released the key
      if (row.scope !== key.scope || (key.targetId && row.targetId && row.targetId !== key.targetId)) {
        throw new AppError('conflict', 'clientMessageId was already used for a different message');
      }
      if (row.state === 'done') return row.result as T;
      const takenOver = await this.rows.update(
        { id: row.id, state: 'pending', updatedAt: LessThan(new Date(Date.now() - STALE_AFTER_MS)) },
        { updatedAt: new Date() },
      );
      if (takenOver.affected) return this.perform(row.id, work);
      if (Date.now() > deadline) throw new AppError('conflict', 'A request with this clientMessageId is still in progress; retry shortly');
      await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
    }
  }
}
