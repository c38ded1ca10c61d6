import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { UNKNOWN_ROUTE_POLICY } from '../common/error-envelope.filter';
import { UserLanguagesModule } from '../user-languages/user-languages.module';
import { AuthController } from './auth.controller';
import { HiddenApiRoutes } from './hidden-api-routes';
import { HostTokenService } from './host-token.service';
import { UserRateLimiter } from './rate-limit';
import { SessionGuard } from './session.guard';
import { SessionTokensService } from './session-tokens.service';
import { TelegramInitDataService } from './telegram-init-data.service';

// Sign-in routes, session tokens, and the global session guard (with the per-user rate limit it
// counts). The error filter asks UNKNOWN_ROUTE_POLICY how to answer unknown /api/* routes.
@Module({
  imports: [UserLanguagesModule],
  controllers: [AuthController],
  providers: [
    SessionTokensService,
    TelegramInitDataService,
    HostTokenService,
    UserRateLimiter,
    { provide: APP_GUARD, useClass: SessionGuard },
    { provide: UNKNOWN_ROUTE_POLICY, useClass: HiddenApiRoutes },
  ],
  // UserRateLimiter: also the per-IP failure limits of the webhook and the signed file link.
  exports: [SessionTokensService, UNKNOWN_ROUTE_POLICY, UserRateLimiter],
})
export class AuthModule {}
