import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiFoundResponse,
  ApiOkResponse,
  ApiPayloadTooLargeResponse,
  ApiQuery,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentUser, Public, type SessionUser } from '../common/auth.decorators';
import { RateLimit } from '../common/rate-limit';
import { FileIdParams, UPLOAD_BODY_SCHEMA, UploadResponseDto } from './dto/files.dto';
import { type FileResponse, FilesService } from './files.service';

@ApiTags('files')
@Controller()
export class FilesController {
  constructor(private readonly files: FilesService) {}

  @Post('api/files/upload')
  @RateLimit('upload')
  @ApiBearerAuth('session')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: UPLOAD_BODY_SCHEMA })
  @ApiCreatedResponse({ type: UploadResponseDto })
  @ApiPayloadTooLargeResponse({ description: 'A file over MAX_FILE_MB or more than MAX_FILES_PER_MSG files; nothing is stored' })
  @ApiUnsupportedMediaTypeResponse({ description: 'Content (magic bytes) not on the allow-list; nothing is stored' })
  upload(@CurrentUser() user: SessionUser, @Req() request: FastifyRequest): Promise<UploadResponseDto> {
    return this.files.upload(user.userId, request);
  }

  @Get('api/files/:id')
  @ApiBearerAuth('session')
  @ApiOkResponse({ description: 'The bytes (local disk storage)' })
  @ApiFoundResponse({ description: 'Redirect to a presigned URL valid for S3_PRESIGN_TTL_SECONDS (S3 storage)' })
  async download(@CurrentUser() user: SessionUser, @Param() params: FileIdParams, @Res() reply: FastifyReply): Promise<void> {
    await send(reply, await this.files.ownerDownload(user.userId, params.id));
  }

  @Public()
  @Get('files/:id')
  @ApiQuery({ name: 'e', description: 'Expiry, Unix ms' })
  @ApiQuery({ name: 't', description: 'HMAC-SHA256 signature (hex)' })
  @ApiOkResponse({ description: 'The bytes, for whoever holds a valid signed link (Intercom)' })
  @ApiForbiddenResponse({ description: 'Missing, forged or expired signature' })
  async signedDownload(
    @Param('id') id: string,
    @Query('e') expiry: unknown,
    @Query('t') token: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await send(reply, await this.files.publicDownload(id, expiry, token));
  }
}

async function send(reply: FastifyReply, response: FileResponse): Promise<void> {
  void reply.headers(response.headers);
  await ('redirectTo' in response ? reply.redirect(response.redirectTo, 302) : reply.send(response.body));
}
