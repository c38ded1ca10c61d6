import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { SessionUser } from '../auth/auth.decorators';
import { IntercomConflictError } from './intercom-errors';
import { IntercomGateway } from './intercom.gateway';
import { IntercomRepository } from './intercom.repository';

// Finds or creates the caller's Intercom contact (external_id = our user id), remembering the
// mapping in Postgres (and a small memory cache) so each user costs Intercom one lookup ever.
@Injectable()
export class ContactResolverService {
  private readonly cache = new LRUCache<string, string>({ max: 50_000 });
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(
    private readonly gateway: IntercomGateway,
    private readonly contacts: IntercomRepository,
  ) {}

  // The contact id if this instance already knows it (no I/O): the poll's synchronous path.
  knownContactId(userId: string): string | undefined {
    return this.cache.get(userId);
  }

  async contactIdFor(user: SessionUser): Promise<string> {
    const cached = this.cache.get(user.userId);
    if (cached) return cached;
    // Single flight: concurrent first requests of one user share one resolution.
    let pending = this.inFlight.get(user.userId);
    if (!pending) {
      pending = this.resolve(user).finally(() => this.inFlight.delete(user.userId));
      this.inFlight.set(user.userId, pending);
    }
    return pending;
  }

  private async resolve(user: SessionUser): Promise<string> {
    const stored = await this.contacts.contactIdOf(user.userId);
    const contactId = stored ?? (await this.findOrCreate(user));
    if (!stored) await this.contacts.rememberContact(user.userId, contactId);
    this.cache.set(user.userId, contactId);
    return contactId;
  }

  private async findOrCreate(user: SessionUser): Promise<string> {
    const existing = await this.findByExternalId(user.userId);
    if (existing) return existing;
    try {
      const created = await this.gateway.call(
        'contacts.create',
        (client, options) =>
          client.contacts.create(
            { role: 'user', external_id: user.userId, name: user.name ?? undefined, email: user.email ?? undefined },
            options,
          ),
        { idempotent: false },
      );
      return created.id;
    } catch (error) {
      // Another instance (or an earlier attempt whose answer was lost) created it first. Search may
      // not show it for minutes ("This delay can take a few minutes"), so the 409's own id is used.
      if (error instanceof IntercomConflictError) {
        const raced = error.existingId ?? (await this.findByExternalId(user.userId));
        if (raced) return raced;
      }
      throw error;
    }
  }

  private async findByExternalId(externalId: string): Promise<string | undefined> {
    const page = await this.gateway.call(
      'contacts.search',
      (client, options) => client.contacts.search({ query: { field: 'external_id', operator: '=', value: externalId } }, options),
      { idempotent: true },
    );
    return page.data.find((contact) => contact.external_id === externalId)?.id;
  }
}
