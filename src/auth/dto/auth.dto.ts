import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class TelegramAuthDto {
  @ApiProperty({ description: 'Telegram.WebApp.initData, exactly as the Mini App received it', maxLength: 8192 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(8192)
  initData!: string;
}

export class ExchangeAuthDto {
  @ApiProperty({ description: "A JWT minted by the host app's backend", maxLength: 8192 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(8192)
  token!: string;
}

export class SessionDto {
  @ApiProperty({ description: 'Session JWT for Authorization: Bearer' }) token!: string;
  @ApiProperty({ description: 'Expiry, Unix ms' }) expiresAt!: number;
  @ApiProperty({ example: 'tg:123456' }) userId!: string;
}

export class SessionUserDto {
  @ApiProperty() userId!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Telegram chat id for Mini App sessions' }) telegramChatId!: string | null;
}
