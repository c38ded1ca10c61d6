import { Module } from '@nestjs/common';
import { DevSignInController } from './dev-sign-in.controller';

// Imported by AppModule only when DEV_SIGN_IN is on.
@Module({ controllers: [DevSignInController] })
export class DevSignInModule {}
