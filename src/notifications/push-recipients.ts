import type { Db } from '../database/db';
import { usersOfContacts } from '../intercom/intercom.repository';

// A contact as webhook items carry it: external_id is our user id when the contact is ours.
export interface ContactRef {
  id?: string;
  external_id?: string | null;
}

// Our users among an item's contacts: the contact's external_id, else our own contact mapping.
export async function userIdsOf(db: Db, contacts: readonly ContactRef[]): Promise<string[]> {
  const userIds = new Set(contacts.map((contact) => contact.external_id).filter((id): id is string => Boolean(id)));
  const unmapped = contacts.filter((contact) => !contact.external_id && contact.id).map((contact) => contact.id);
  if (unmapped.length > 0) {
    for (const userId of await usersOfContacts(db, unmapped as string[])) userIds.add(userId);
  }
  return [...userIds];
}
