import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { TextLength } from '../../common/text-length';

// A JWT (base64url and dots) and Telegram's initData (a URL-encoded query string) are printable
// ASCII without `"` or `\`: so the largest valid sign-in body is ~4.1 KB and fits the /auth/* body
// cap (AUTH_BODY_LIMIT_BYTES, at least 4608), whatever a client puts in it.
export const SIGN_IN_TEXT = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
export const SIGN_IN_TEXT_MAX = 4096;

export class TelegramAuthDto {
  @ApiProperty({
    description: 'Telegram.WebApp.initData, exactly as the Mini App received it (URL-encoded: printable ASCII)',
    pattern: SIGN_IN_TEXT.source,
  })
  @IsString()
  @TextLength(1, SIGN_IN_TEXT_MAX)
  @Matches(SIGN_IN_TEXT, { message: 'initData must be printable ASCII (URL-encoded), without " or \\' })
  initData!: string;
}

export class ExchangeAuthDto {
  @ApiProperty({ description: "A JWT minted by the host app's backend", pattern: SIGN_IN_TEXT.source })
  @IsString()
  @TextLength(1, SIGN_IN_TEXT_MAX)
  @Matches(SIGN_IN_TEXT, { message: 'token must be printable ASCII (a JWT), without " or \\' })
  token!: string;
}

export class SessionDto {
  @ApiProperty({ description: 'Session JWT for Authorization: Bearer' }) token!: string;
  @ApiProperty({ type: 'integer', description: 'Expiry, Unix ms' }) expiresAt!: number;
  @ApiProperty({ example: 'tg:123456' }) userId!: string;
}

export class SessionUserDto {
  @ApiProperty() userId!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Telegram chat id for Mini App sessions' }) telegramChatId!: string | null;
}
