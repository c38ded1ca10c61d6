import { Global, Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { AuthController } from './auth.controller';
import { HostTokenService } from './host-token.service';
import { SessionTokensService } from './session-tokens.service';
import { TelegramInitDataService } from './telegram-init-data.service';

@Global()
@Module({
  imports: [NotificationsModule],
  controllers: [AuthController],
  providers: [SessionTokensService, TelegramInitDataService, HostTokenService],
  exports: [SessionTokensService],
})
export class AuthModule {}
