import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, LessThan, type Repository } from 'typeorm';
import { ClientMessage } from './client-message.entity';

// Owner of client_messages: all its data access lives here, through the entity (TypeORM checks
// the column names). Not a hot path: one row per clientMessageId'd write.
@Injectable()
export class MessagesRepository {
  constructor(@InjectRepository(ClientMessage) private readonly rows: Repository<ClientMessage>) {}

  // The new row's id, or undefined if (userId, clientMessageId) is taken.
  async claim(row: Pick<ClientMessage, 'userId' | 'clientMessageId' | 'scope' | 'targetId'>): Promise<string | undefined> {
    const claimed = await this.rows
      .createQueryBuilder()
      .insert()
      .values({ ...row, state: 'pending' })
      .orIgnore()
      .returning(['id'])
      .execute();
    return (claimed.raw as { id: string }[])[0]?.id;
  }

  find(userId: string, clientMessageId: string): Promise<ClientMessage | null> {
    return this.rows.findOneBy({ userId, clientMessageId });
  }

  doneFor(userId: string | undefined, targetId: string): Promise<Pick<ClientMessage, 'partId' | 'clientMessageId'>[]> {
    return this.rows.find({
      select: { partId: true, clientMessageId: true },
      where: { ...(userId ? { userId } : {}), targetId, state: 'done' },
    });
  }

  doneForTargets(targetIds: readonly string[]): Promise<Pick<ClientMessage, 'targetId' | 'partId' | 'clientMessageId'>[]> {
    return this.rows.find({
      select: { targetId: true, partId: true, clientMessageId: true },
      where: { targetId: In([...targetIds]), state: 'done' },
    });
  }

  async release(id: string): Promise<void> {
    await this.rows.delete({ id, state: 'pending' });
  }

  async complete(id: string, done: { result: object; partId: string | null; targetId?: string }): Promise<void> {
    await this.rows.update(
      { id },
      { state: 'done', result: done.result, partId: done.partId, ...(done.targetId ? { targetId: done.targetId } : {}) },
    );
  }

  // Takes over a pending row not touched since `staleBefore`; whether it was taken.
  async takeOver(id: string, staleBefore: Date): Promise<boolean> {
    const taken = await this.rows.update({ id, state: 'pending', updatedAt: LessThan(staleBefore) }, { updatedAt: new Date() });
    return Boolean(taken.affected);
  }
}
