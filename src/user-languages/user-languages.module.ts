import { Module } from '@nestjs/common';
import { UserLanguagesRepository } from './user-languages.repository';
import { UserLanguagesService } from './user-languages.service';

// Owner of user_languages: the languages a user's pushes are written in. A folder of its own
// because auth (Telegram sign-in) and conversations (the app's locale) write it and
// notifications reads it; none of them may depend on another for it.
@Module({
  providers: [UserLanguagesRepository, UserLanguagesService],
  exports: [UserLanguagesRepository, UserLanguagesService],
})
export class UserLanguagesModule {}
