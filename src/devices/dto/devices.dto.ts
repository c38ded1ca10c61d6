import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsString, Matches, ValidateIf } from 'class-validator';
import { TextLength } from '../../common/text-length';
import { DEVICE_PLATFORMS, type DevicePlatform } from '../device.entity';

export const DEVICE_TOKEN_MAX_LENGTH = 512;

export class RegisterDeviceDto {
  @ApiProperty({ enum: DEVICE_PLATFORMS, description: '`mobile`: an FCM registration token; `tma`: the Telegram chat id of this session' })
  @IsIn(DEVICE_PLATFORMS)
  platform!: DevicePlatform;

  @ApiProperty({
    description:
      'FCM token (letters, digits, `:_-.`), or for `tma` the decimal Telegram chat id, which must be the session’s own (else 403)',
    pattern: '^[A-Za-z0-9:_.-]+$',
  })
  @IsString()
  @TextLength(1, DEVICE_TOKEN_MAX_LENGTH)
  @Matches(/^[A-Za-z0-9:_.-]+$/, { message: 'token may contain only letters, digits and : _ . -' })
  token!: string;
}

export class DeviceDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: DEVICE_PLATFORMS }) platform!: DevicePlatform;
  @ApiProperty({ type: 'integer', description: 'First registration of this token, Unix ms' }) createdAt!: number;
}

export class NotificationSettingsDto {
  @ApiProperty({ description: 'Push for operator replies in conversations' }) chatMessages!: boolean;
  @ApiProperty({ description: 'Push for ticket status changes and replies' }) ticketUpdates!: boolean;
  @ApiProperty({ description: 'Push for service announcements' }) systemNotices!: boolean;
}

// Absent is fine, null is not (IsOptional would let null through).
const Absent = (): PropertyDecorator => ValidateIf((_object, value) => value !== undefined);

// Any subset of the three flags; unknown fields or non-booleans (null included) are a 400.
export class UpdateNotificationSettingsDto {
  @ApiPropertyOptional() @Absent() @IsBoolean() chatMessages?: boolean;
  @ApiPropertyOptional() @Absent() @IsBoolean() ticketUpdates?: boolean;
  @ApiPropertyOptional() @Absent() @IsBoolean() systemNotices?: boolean;
}
