import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Db } from '../database/db';

// Owner of user_languages: all its SQL lives here.
@Injectable()
export class UserLanguagesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async setTelegram(userId: string, language: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO user_languages (user_id, telegram_language) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET telegram_language = EXCLUDED.telegram_language, updated_at = now()
       WHERE user_languages.telegram_language IS DISTINCT FROM EXCLUDED.telegram_language`,
      [userId, language],
    );
  }

  async setContactLocale(userId: string, language: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO user_languages (user_id, contact_locale) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET contact_locale = EXCLUDED.contact_locale, updated_at = now()
       WHERE user_languages.contact_locale IS DISTINCT FROM EXCLUDED.contact_locale`,
      [userId, language],
    );
  }

  // For push decisions, inside the caller's transaction: the languages of those users who have a row.
  async languagesOf(
    db: Db,
    userIds: readonly string[],
  ): Promise<Map<string, { telegram_language: string | null; contact_locale: string | null }>> {
    const rows = await db.query<{ user_id: string; telegram_language: string | null; contact_locale: string | null }[]>(
      'SELECT user_id, telegram_language, contact_locale FROM user_languages WHERE user_id = ANY($1::varchar[])',
      [userIds],
    );
    return new Map(rows.map((row) => [row.user_id, row]));
  }
}
