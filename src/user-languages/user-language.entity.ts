import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

// What we know of a user's language, for push texts: Telegram's language_code (each Mini App
// sign-in) and the locale the app reported with a new conversation (the contact's app_locale).
@Entity('user_languages')
export class UserLanguage {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 160 })
  userId!: string;

  @Column({ name: 'telegram_language', type: 'varchar', length: 35, nullable: true })
  telegramLanguage!: string | null;

  @Column({ name: 'contact_locale', type: 'varchar', length: 35, nullable: true })
  contactLocale!: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
