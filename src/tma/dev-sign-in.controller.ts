import { Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { sign } from '@telegram-apps/init-data-node';
import { Public } from '../auth/auth.decorators';
import { SIGN_IN_ERRORS } from '../auth/auth-ip-limit';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';

export class DevInitDataDto {
  @ApiProperty({
    description: 'Telegram Mini App init data for the dev test user, signed with TELEGRAM_BOT_TOKEN; pass it to POST /auth/telegram',
  })
  initData!: string;
}

export const DEV_TELEGRAM_USER = { id: 100000001, first_name: 'Dev', last_name: 'Tester', username: 'dev_tester' };

// Dev only (DEV_SIGN_IN; refused in production): lets a newcomer try the Mini App outside Telegram
// by handing out init data signed the way Telegram signs it, so the real sign-in path is used.
@ApiTags('auth')
@Controller()
export class DevSignInController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Public()
  @Post('auth/dev')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Dev only: init data for a test Telegram user',
    description: 'Exists only when DEV_SIGN_IN is on (never in production); lets the Mini App be tried outside Telegram.',
  })
  @ApiOkResponse({ type: DevInitDataDto })
  @ApiErrors(...SIGN_IN_ERRORS)
  initData(): DevInitDataDto {
    // The library the sign-in validates with signs too (Telegram's algorithm, keyed by the bot token).
    return { initData: sign({ user: DEV_TELEGRAM_USER }, this.config.telegram.botToken, new Date()) };
  }
}
