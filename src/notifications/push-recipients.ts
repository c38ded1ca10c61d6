import type { Db } from '../unread-index/unread-index.service';

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
    const rows = await db.query<{ user_id: string }[]>('SELECT user_id FROM intercom_contacts WHERE contact_id = ANY($1)', [unmapped]);
    for (const row of rows) userIds.add(row.user_id);
  }
  return [...userIds];
}
