import { Injectable } from '@nestjs/common';
import { primaryLanguage } from './primary-language';
import { UserLanguagesRepository } from './user-languages.repository';

// Remembers the languages a user's pushes are written in: Telegram's language_code (each Mini App
// sign-in) and the locale the app sent with a new conversation (also the contact's app_locale).
@Injectable()
export class UserLanguagesService {
  constructor(private readonly repository: UserLanguagesRepository) {}

  async rememberTelegram(userId: string, languageCode: string | null | undefined): Promise<void> {
    const language = primaryLanguage(languageCode);
    if (!language) return;
    await this.repository.setTelegram(userId, language);
  }

  async rememberContactLocale(userId: string, locale: unknown): Promise<void> {
    const language = typeof locale === 'string' ? primaryLanguage(locale) : undefined;
    if (!language) return;
    await this.repository.setContactLocale(userId, language);
  }
}
