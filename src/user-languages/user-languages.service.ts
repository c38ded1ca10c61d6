import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { primaryLanguage } from './primary-language';

// Remembers the languages a user's pushes are written in: Telegram's language_code (each Mini App
// sign-in) and the locale the app sent with a new conversation (also the contact's app_locale).
@Injectable()
export class UserLanguagesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async rememberTelegram(userId: string, languageCode: string | null | undefined): Promise<void> {
    const language = primaryLanguage(languageCode);
    if (!language) return;
    await this.dataSource.query(
      `INSERT INTO user_languages (user_id, telegram_language) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET telegram_language = EXCLUDED.telegram_language, updated_at = now()
       WHERE user_languages.telegram_language IS DISTINCT FROM EXCLUDED.telegram_language`,
      [userId, language],
    );
  }

  async rememberContactLocale(userId: string, locale: unknown): Promise<void> {
    const language = typeof locale === 'string' ? primaryLanguage(locale) : undefined;
    if (!language) return;
    await this.dataSource.query(
      `INSERT INTO user_languages (user_id, contact_locale) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET contact_locale = EXCLUDED.contact_locale, updated_at = now()
       WHERE user_languages.contact_locale IS DISTINCT FROM EXCLUDED.contact_locale`,
      [userId, language],
    );
  }
}
