import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentUser, Public, type SessionUser } from '../auth/auth.decorators';
import { RateLimit } from '../auth/rate-limit';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { FILE_CONTENT, FILE_HEADERS, FileIdParams, UPLOAD_BODY_SCHEMA, UploadResponseDto } from './dto/files.dto';
import { type FileResponse, FilesService } from './files.service';

@ApiTags('files')
@Controller()
export class FilesController {
  constructor(private readonly files: FilesService) {}

  @Post('api/files/upload')
  @RateLimit('upload')
  // The one route that takes multipart (src/common/http-layer.ts refuses it elsewhere).
  @RouteConfig({ multipart: true })
  @ApiOperation({ summary: 'Upload files (multipart/form-data, one or more "file" parts)' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: UPLOAD_BODY_SCHEMA })
  @ApiCreatedResponse({ type: UploadResponseDto })
  @ApiErrors(
    ['validation_error', 'a part not named "file", no file part, or an empty file'],
    ['bad_request', 'not multipart/form-data, or the upload is malformed or interrupted'],
    [
      'payload_too_large',
      "a file over MAX_FILE_MB, more than MAX_FILES_PER_MSG files, or the user's files would take more than FILES_USER_QUOTA_MB in total; nothing is stored",
    ],
    ['unsupported_media_type', 'content (magic bytes) not on the allow-list; nothing is stored'],
    ['service_unavailable', 'file storage (S3) unavailable'],
  )
  upload(@CurrentUser() user: SessionUser, @Req() request: FastifyRequest): Promise<UploadResponseDto> {
    return this.files.upload(user.userId, request);
  }

  @Get('api/files/:id')
  @ApiOperation({ summary: 'Download one of your own files' })
  @ApiOkResponse({ description: 'The bytes (local disk storage)', content: FILE_CONTENT, headers: FILE_HEADERS })
  @ApiFoundResponse({
    description: 'Redirect to a presigned URL valid for S3_PRESIGN_TTL_SECONDS (S3 storage)',
    headers: { Location: { description: 'The presigned URL', schema: { type: 'string', format: 'uri' } } },
  })
  @ApiErrors(
    ['validation_error', 'id is not a UUID'],
    ['not_found', 'no such file of yours'],
    ['service_unavailable', 'file storage (S3) unavailable'],
  )
  async download(@CurrentUser() user: SessionUser, @Param() params: FileIdParams, @Res() reply: FastifyReply): Promise<void> {
    await send(reply, await this.files.ownerDownload(user.userId, params.id));
  }

  @Public()
  @Get('files/:id')
  @ApiOperation({
    summary: 'Signed, expiring public link to a file (handed to Intercom as attachment_url)',
    description:
      'No session: the signature is the credential. A missing, malformed, forged or expired signature is a 403 and never the file.',
  })
  @ApiParam({ name: 'id', description: 'File id', schema: { type: 'string' } })
  @ApiQuery({ name: 'e', description: 'Expiry, Unix ms (up to 15 digits)', schema: { type: 'integer', minimum: 0 } })
  @ApiQuery({
    name: 't',
    description: 'HMAC-SHA256 of "<id>.<e>" with FILE_LINK_SECRET, 64 lower-case hex digits',
    schema: { type: 'string' },
  })
  @ApiOkResponse({ description: 'The bytes, for whoever holds a valid signed link', content: FILE_CONTENT, headers: FILE_HEADERS })
  @ApiErrors(
    ['forbidden', 'missing, malformed, forged or expired signature'],
    ['not_found', 'id is not a file id, or the file is gone'],
    [
      'rate_limited',
      'more than RATE_LIMIT_FILE_LINK_FAILURES_PER_IP_PER_MIN bad links a minute from this IP (a valid link is never limited)',
    ],
    ['service_unavailable', 'file storage (S3) unavailable'],
  )
  async signedDownload(
    @Param('id') id: string,
    @Query('e') expiry: unknown,
    @Query('t') token: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await send(reply, await this.files.publicDownload(id, expiry, token, request.ip));
  }
}

async function send(reply: FastifyReply, response: FileResponse): Promise<void> {
  void reply.headers(response.headers);
  await ('redirectTo' in response ? reply.redirect(response.redirectTo, 302) : reply.send(response.body));
}
