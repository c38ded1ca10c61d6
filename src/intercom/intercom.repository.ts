import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Db } from '../database/db';

// Owner of intercom_contacts (our user id ↔ the Intercom contact): all its SQL lives here.
@Injectable()
export class IntercomRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async contactIdOf(userId: string): Promise<string | undefined> {
    const [row] = await this.dataSource.query<{ contact_id: string }[]>('SELECT contact_id FROM intercom_contacts WHERE user_id = $1', [
      userId,
    ]);
    return row?.contact_id;
  }

  // A mapping stored first (by another instance) wins.
  async rememberContact(userId: string, contactId: string): Promise<void> {
    await this.dataSource.query('INSERT INTO intercom_contacts (user_id, contact_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
      userId,
      contactId,
    ]);
  }

  // Our users mapped to these contacts, through the caller's handle (a webhook transaction) or the pool.
  usersOfContacts(contactIds: readonly string[], db: Db = this.dataSource): Promise<string[]> {
    return usersOfContacts(db, contactIds);
  }
}

// For callers that hold a transaction but no injector (webhook effects' recipient lookup).
export async function usersOfContacts(db: Db, contactIds: readonly string[]): Promise<string[]> {
  const rows = await db.query<{ user_id: string }[]>('SELECT user_id FROM intercom_contacts WHERE contact_id = ANY($1)', [contactIds]);
  return rows.map((row) => row.user_id);
}
