import { Injectable } from '@nestjs/common';
import { IntercomRepository } from '../intercom/intercom.repository';

// A contact as webhook items carry it: external_id is our user id when the contact is ours.
export interface ContactRef {
  id?: string;
  external_id?: string | null;
}

// Whose stream an Intercom item belongs on: each contact's external_id (our user id), or our own
// contact mapping for contacts Intercom sent without one. Unknown contacts get nothing.
@Injectable()
export class EventRecipients {
  constructor(private readonly contacts: IntercomRepository) {}

  async usersOf(contacts: readonly ContactRef[]): Promise<string[]> {
    const userIds = new Set(contacts.map((contact) => contact.external_id).filter((id): id is string => Boolean(id)));
    const unmapped = contacts.filter((contact) => !contact.external_id && contact.id).map((contact) => contact.id);
    if (unmapped.length > 0) {
      for (const userId of await this.contacts.usersOfContacts(unmapped as string[])) userIds.add(userId);
    }
    return [...userIds].sort();
  }
}
