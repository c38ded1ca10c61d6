import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Public, type SessionUser } from './auth.decorators';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { SIGN_IN_ERRORS } from './auth-ip-limit';
import { ExchangeAuthDto, SessionDto, SessionUserDto, TelegramAuthDto } from './dto/auth.dto';
import { UserLanguagesService } from '../user-languages/user-languages.service';
import { HostTokenService } from './host-token.service';
import { SessionTokensService } from './session-tokens.service';
import { TelegramInitDataService } from './telegram-init-data.service';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(
    private readonly telegram: TelegramInitDataService,
    private readonly hostTokens: HostTokenService,
    private readonly sessions: SessionTokensService,
    private readonly languages: UserLanguagesService,
  ) {}

  @Public()
  @Post('auth/telegram')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in from the Telegram Mini App (initData)' })
  @ApiOkResponse({ type: SessionDto })
  @ApiErrors(['unauthorized', 'initData is not signed by the bot, or is older than TELEGRAM_INIT_DATA_MAX_AGE_SECONDS'], ...SIGN_IN_ERRORS)
  async telegramLogin(@Body() body: TelegramAuthDto): Promise<SessionDto> {
    const { user, languageCode } = this.telegram.signIn(body.initData);
    // Telegram's language_code is the language of this user's pushes.
    await this.languages.rememberTelegram(user.userId, languageCode);
    return this.sessions.issue(user);
  }

  @Public()
  @Post('auth/exchange')
  @HttpCode(200)
  @ApiOperation({ summary: "Exchange a host app's token for a session" })
  @ApiOkResponse({ type: SessionDto })
  @ApiErrors(
    [
      'unauthorized',
      'the host token is invalid, expired (or older than HOST_JWT_MAX_AGE_SECONDS by its iat), or for another issuer/audience',
    ],
    ...SIGN_IN_ERRORS,
  )
  async exchange(@Body() body: ExchangeAuthDto): Promise<SessionDto> {
    return this.sessions.issue(await this.hostTokens.verify(body.token));
  }

  // Lets a client check its token and see who it is signed in as.
  @Get('api/session')
  @ApiOperation({ summary: 'Who the session token belongs to' })
  @ApiOkResponse({ type: SessionUserDto })
  currentSession(@CurrentUser() user: SessionUser): SessionUserDto {
    return { userId: user.userId, telegramChatId: user.telegramChatId };
  }
}
