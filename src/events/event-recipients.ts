import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

// A contact as webhook items carry it: external_id is our user id when the contact is ours.
export interface ContactRef {
  id?: string;
  external_id?: string | null;
}

// Whose stream an Intercom item belongs on: each contact's external_id (our user id), or our own
// contact mapping for contacts Intercom sent without one. Unknown contacts get nothing.
@Injectable()
export class EventRecipients {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async usersOf(contacts: readonly ContactRef[]): Promise<string[]> {
    const userIds = new Set(contacts.map((contact) => contact.external_id).filter((id): id is string => Boolean(id)));
    const unmapped = contacts.filter((contact) => !contact.external_id && contact.id).map((contact) => contact.id);
    if (unmapped.length > 0) {
      const rows = await this.dataSource.query<{ user_id: string }[]>('SELECT user_id FROM intercom_contacts WHERE contact_id = ANY($1)', [
        unmapped,
      ]);
      for (const row of rows) userIds.add(row.user_id);
    }
    return [...userIds].sort();
  }
}
