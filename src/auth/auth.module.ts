import { Global, Module } from '@nestjs/common';
import { AuthController } from './auth.controller';
import { HostTokenService } from './host-token.service';
import { SessionTokensService } from './session-tokens.service';
import { TelegramInitDataService } from './telegram-init-data.service';

@Global()
@Module({
  controllers: [AuthController],
  providers: [SessionTokensService, TelegramInitDataService, HostTokenService],
  exports: [SessionTokensService],
})
export class AuthModule {}
