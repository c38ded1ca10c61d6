import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsUUID } from 'class-validator';
import { Optional } from '../../common/optional';
import { maxItemsFrom } from '../../openapi/schema.decorators';
import { ALLOWED_CONTENT_TYPES } from '../file-types';

// Decorators run at import time, before config exists: this is the ceiling MAX_FILES_PER_MSG may
// be set to; FilesService.signedUrlsForAttachments enforces the configured value, and the OpenAPI
// says the configured value (maxItemsFrom).
export const ATTACHMENT_IDS_MAX = 100;

export class UploadedFileDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Sanitized original name; the extension matches the detected type', maxLength: 255 }) name!: string;
  @ApiProperty({ description: 'Detected from the bytes, never from the client', example: 'image/png' }) contentType!: string;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'Bytes' }) size!: number;
}

export class UploadResponseDto {
  @ApiProperty({ type: [UploadedFileDto] }) files!: UploadedFileDto[];
}

export const UUID_PATTERN = '^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$';

export class FileIdParams {
  @ApiProperty({ format: 'uuid', pattern: UUID_PATTERN })
  @IsUUID('all')
  id!: string;
}

// OpenAPI body of POST /api/files/upload (the route reads the multipart stream itself).
export const UPLOAD_BODY_SCHEMA = {
  type: 'object',
  required: ['file'],
  properties: {
    file: {
      type: 'array',
      minItems: 1,
      ...maxItemsFrom('MAX_FILES_PER_MSG'),
      items: { type: 'string', format: 'binary', minLength: 1 },
      description:
        'One or more parts named "file": at most MAX_FILES_PER_MSG (default 10), each at most MAX_FILE_MB (default 20 MB). ' +
        'Allowed by content: JPEG, PNG, GIF, WEBP, BMP, PDF, MP4, UTF-8 text. Parts of another name are refused (400).',
    },
  },
};

// What GET /api/files/{id} and the signed /files/{id} answer with: the stored bytes, typed by
// the detected content.
export const FILE_CONTENT = Object.fromEntries(
  ALLOWED_CONTENT_TYPES.map((type) => [type, { schema: { type: 'string', format: 'binary' } }]),
);
export const FILE_HEADERS = {
  'Content-Disposition': { description: 'inline or attachment, with a safe filename', schema: { type: 'string' } },
  'X-Content-Type-Options': { schema: { type: 'string', enum: ['nosniff'] } },
  'Content-Length': { schema: { type: 'integer' } },
  'Cache-Control': { schema: { type: 'string' } },
};

// For `attachmentIds` in conversation and ticket DTOs: optional, unique file ids from /api/files/upload.
export function IsAttachmentIds(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({
      required: false,
      type: 'array',
      items: { type: 'string', format: 'uuid', pattern: UUID_PATTERN },
      uniqueItems: true,
      ...maxItemsFrom('MAX_FILES_PER_MSG'),
      description: "Ids of the caller's own uploads (POST /api/files/upload), at most MAX_FILES_PER_MSG (default 10)",
    }),
    Optional(),
    IsArray(),
    ArrayMaxSize(ATTACHMENT_IDS_MAX),
    ArrayUnique(),
    IsUUID('all', { each: true }),
  );
}
