import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { TextLength } from '../../common/text-length';

export class TelegramAuthDto {
  @ApiProperty({ description: 'Telegram.WebApp.initData, exactly as the Mini App received it' })
  @IsString()
  @TextLength(1, 8192)
  initData!: string;
}

export class ExchangeAuthDto {
  @ApiProperty({ description: "A JWT minted by the host app's backend" })
  @IsString()
  @TextLength(1, 8192)
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
