import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type SessionUser } from '../auth/auth.decorators';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { DevicesService } from './devices.service';
import { DeviceDto, NotificationSettingsDto, RegisterDeviceDto, UpdateNotificationSettingsDto } from './dto/devices.dto';

@ApiTags('devices')
@Controller('api')
export class DevicesController {
  constructor(private readonly devices: DevicesService) {}

  @Post('devices/register')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Register a push target',
    description:
      'Upsert on (platform, token): a token registered again moves to the current user. A user keeps at most MAX_DEVICES_PER_USER devices (default 10); the least recently registered are dropped.',
  })
  @ApiOkResponse({ type: DeviceDto })
  @ApiErrors(['forbidden', '`tma` token that is not the session’s own Telegram chat id'])
  register(@CurrentUser() user: SessionUser, @Body() body: RegisterDeviceDto): Promise<DeviceDto> {
    return this.devices.register(user, body.platform, body.token);
  }

  @Delete('devices/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove one of your push targets' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiErrors(['not_found', 'no such device of yours'])
  unregister(@CurrentUser() user: SessionUser, @Param('id') id: string): Promise<void> {
    return this.devices.unregister(user.userId, id);
  }

  @Get('settings/notifications')
  @ApiOperation({ summary: 'Your notification settings' })
  @ApiOkResponse({ type: NotificationSettingsDto, description: 'All true until changed' })
  settings(@CurrentUser() user: SessionUser): Promise<NotificationSettingsDto> {
    return this.devices.settingsFor(user.userId);
  }

  @Put('settings/notifications')
  @ApiOperation({ summary: 'Change any subset of the three flags; returns the full object' })
  @ApiOkResponse({ type: NotificationSettingsDto })
  updateSettings(@CurrentUser() user: SessionUser, @Body() body: UpdateNotificationSettingsDto): Promise<NotificationSettingsDto> {
    return this.devices.updateSettings(user.userId, body);
  }
}
