import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type SessionUser } from '../auth/auth.decorators';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { UnreadDto } from './dto/unread.dto';
import { UnreadService } from './unread.service';

@ApiTags('unread')
@Controller('api/unread')
export class UnreadController {
  constructor(private readonly unread: UnreadService) {}

  @Get()
  @ApiOperation({
    summary: 'Unread operator/bot messages per conversation (the badge)',
    description:
      'The same numbers as `unreadCount` in the conversation list; only conversations with unread messages are listed. Served from the unread index with no Intercom call once it is built; a user whose index was never built is refreshed from Intercom at most once per UNREAD_REFRESH_SECONDS.',
  })
  @ApiOkResponse({ type: UnreadDto })
  @ApiErrors(['service_unavailable', 'the index had to be built and Intercom could not answer'])
  get(@CurrentUser() user: SessionUser): Promise<UnreadDto> {
    return this.unread.unread(user);
  }
}
