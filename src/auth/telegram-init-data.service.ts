import { Inject, Injectable } from '@nestjs/common';
import { validate } from '@telegram-apps/init-data-node';
import type { SessionUser } from './auth.decorators';
import { AppError } from '../common/errors';
import { isSafeText, UNSAFE_TEXT_MESSAGE } from '../common/safe-text';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';

const MAX_FUTURE_SKEW_SECONDS = 60;

interface TelegramUser {
  id: number;
  first_name?: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

// A verified Mini App sign-in: the session's user, and the language Telegram reports for them.
export interface TelegramSignIn {
  user: SessionUser;
  languageCode: string | null;
}

// Telegram Mini App initData check (https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app):
// the library computes HMAC-SHA256 keyed by HMAC("WebAppData", bot token) over the sorted pairs with
// only `hash` removed; we add what it leaves out (duplicate keys, future auth_date, a user).
@Injectable()
export class TelegramInitDataService {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  verify(initData: string, now: Date = new Date()): SessionUser {
    return this.signIn(initData, now).user;
  }

  signIn(initData: string, now: Date = new Date()): TelegramSignIn {
    const params = new URLSearchParams(initData);
    const keys = [...params.keys()];
    if (new Set(keys).size !== keys.length) throw this.invalid('initData has a repeated key');
    if (!params.get('hash')) throw this.invalid('initData has no hash');
    try {
      validate(params, this.config.telegram.botToken, { expiresIn: 0 });
    } catch {
      throw this.invalid('initData signature is invalid');
    }
    const authDate = Number(params.get('auth_date'));
    const ageSeconds = now.getTime() / 1000 - authDate;
    if (!Number.isFinite(authDate) || ageSeconds > this.config.telegram.initDataMaxAgeSeconds) {
      throw this.invalid('initData is too old');
    }
    if (ageSeconds < -MAX_FUTURE_SKEW_SECONDS) throw this.invalid('initData auth_date is in the future');
    const user = this.parseUser(params.get('user'));
    const name = [user.first_name, user.last_name].filter(Boolean).join(' ') || user.username || null;
    const languageCode = typeof user.language_code === 'string' ? user.language_code : null;
    // Signed by Telegram, yet stored and sent on: the same text rule as every other input.
    for (const [field, value] of [
      ['name', name],
      ['language_code', languageCode],
    ] as const) {
      if (value !== null && !isSafeText(value))
        throw new AppError('validation_error', `initData: the user's ${field} ${UNSAFE_TEXT_MESSAGE}`);
    }
    return { user: { userId: `tg:${user.id}`, telegramChatId: String(user.id), name, email: null }, languageCode };
  }

  private parseUser(raw: string | null): TelegramUser {
    if (!raw) throw this.invalid('initData has no user');
    let user: unknown;
    try {
      user = JSON.parse(raw);
    } catch {
      throw this.invalid('initData user is not valid JSON');
    }
    const candidate = user as Partial<TelegramUser> | null;
    if (!candidate || !Number.isSafeInteger(candidate.id) || (candidate.id as number) <= 0) throw this.invalid('initData has no user id');
    return candidate as TelegramUser;
  }

  private invalid(message: string): AppError {
    return new AppError('unauthorized', message);
  }
}
