import { Controller, Get } from '@nestjs/common';
import { ApiBadGatewayResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { CurrentUser, type SessionUser } from '../common/auth.decorators';
import { UnreadDto } from './dto/unread.dto';
import { UnreadService } from './unread.service';

@ApiTags('unread')
@ApiBearerAuth('session')
@Controller('api/unread')
export class UnreadController {
  constructor(private readonly unread: UnreadService) {}

  @Get()
  @ApiOperation({
    summary: 'Unread operator/bot messages per conversation',
    description:
      'The same numbers as `unreadCount` in the conversation list. Served from the unread index (no Intercom call once it is built); a user whose index was never built is refreshed from Intercom at most once per UNREAD_REFRESH_SECONDS.',
  })
  @ApiOkResponse({ type: UnreadDto })
  @ApiUnauthorizedResponse({ description: 'Missing or invalid session' })
  @ApiBadGatewayResponse({ description: 'The index had to be built and Intercom could not answer' })
  get(@CurrentUser() user: SessionUser): Promise<UnreadDto> {
    return this.unread.unread(user);
  }
}
