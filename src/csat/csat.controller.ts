import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentUser, type SessionUser } from '../auth/auth.decorators';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { ComplaintsService } from './complaints.service';
import { CsatService } from './csat.service';
import { ComplaintCreatedDto, CreateComplaintDto, CreateCsatDto, CsatResultDto } from './dto/csat.dto';

@ApiTags('csat')
@Controller('api')
export class CsatController {
  constructor(
    private readonly csat: CsatService,
    private readonly complaints: ComplaintsService,
  ) {}

  @Post('csat')
  @ApiOperation({
    summary: 'Rate a ticket or conversation (once)',
    description:
      'One rating per (user, ticket), or (user, conversation) when no ticket is given, also under concurrent retries. Rating a conversation tags it in Intercom (CSAT_TAG_NAME); when Intercom is down the rating is stored and the tag is applied later.',
  })
  @ApiCreatedResponse({ type: CsatResultDto, description: 'Stored: { id, duplicate: false }' })
  @ApiOkResponse({ type: CsatResultDto, description: 'Already rated: { id: null, duplicate: true }' })
  @ApiErrors(
    ['validation_error', 'neither ticketId nor conversationId, or a field fails the schema'],
    ['not_found', 'the ticket or conversation is not yours, does not exist, or (a ticket) is not customer-facing'],
  )
  async rate(
    @CurrentUser() user: SessionUser,
    @Body() body: CreateCsatDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CsatResultDto> {
    const result = await this.csat.rate(user, body);
    void reply.status(result.duplicate ? 200 : 201);
    return result;
  }

  @Post('complaints')
  @HttpCode(201)
  @ApiOperation({ summary: 'File a complaint' })
  @ApiCreatedResponse({ type: ComplaintCreatedDto })
  complain(@CurrentUser() user: SessionUser, @Body() body: CreateComplaintDto): Promise<ComplaintCreatedDto> {
    return this.complaints.create(user.userId, body);
  }
}
