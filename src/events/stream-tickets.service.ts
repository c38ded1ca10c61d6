import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AppError } from '../common/errors';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { EventsRepository } from './events.repository';

export interface IssuedTicket {
  ticket: string;
  expiresAt: number;
}

const hash = (ticket: string): string => createHash('sha256').update(ticket).digest('hex');
const TICKET_SHAPE = /^[A-Za-z0-9_-]{43}$/;

// `?ticket=` for EventSource, which cannot send an Authorization header: 256 random bits, bound
// to the user, single use across all instances (deleted as it is redeemed), valid 60 s. Only its
// hash is stored, so the table leaks nothing usable.
@Injectable()
export class StreamTicketsService {
  constructor(
    private readonly repository: EventsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async issue(userId: string): Promise<IssuedTicket> {
    const ticket = randomBytes(32).toString('base64url');
    const expiresAt = Date.now() + this.config.stream.ticketTtlSeconds * 1000;
    await this.repository.insertTicket(hash(ticket), userId, new Date(expiresAt));
    return { ticket, expiresAt };
  }

  // The user the ticket was issued to; a used, expired or unknown ticket is 401.
  async redeem(ticket: string): Promise<string> {
    if (!TICKET_SHAPE.test(ticket)) throw invalidTicket();
    const used = await this.repository.takeTicket(hash(ticket));
    if (!used?.live) throw invalidTicket();
    return used.user_id;
  }
}

const invalidTicket = () => new AppError('unauthorized', 'Invalid, used or expired stream ticket');
