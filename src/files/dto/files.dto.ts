import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsOptional, IsUUID } from 'class-validator';

// Decorators run at import time, before config exists: this is the ceiling MAX_FILES_PER_MSG may
// be set to; FilesService.signedUrlsForAttachments enforces the configured value.
export const ATTACHMENT_IDS_MAX = 100;

export class UploadedFileDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Sanitized original name; the extension matches the detected type', maxLength: 255 }) name!: string;
  @ApiProperty({ description: 'Detected from the bytes, never from the client', example: 'image/png' }) contentType!: string;
  @ApiProperty({ description: 'Bytes' }) size!: number;
}

export class UploadResponseDto {
  @ApiProperty({ type: [UploadedFileDto] }) files!: UploadedFileDto[];
}

export class FileIdParams {
  @ApiProperty({ format: 'uuid' })
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
      items: { type: 'string', format: 'binary' },
      description:
        'One or more parts named "file": at most MAX_FILES_PER_MSG (default 10), each at most MAX_FILE_MB (default 20 MB). ' +
        'Allowed by content: JPEG, PNG, GIF, WEBP, BMP, PDF, MP4, UTF-8 text.',
    },
  },
};

// For `attachmentIds` in conversation and ticket DTOs: optional, unique file ids from /api/files/upload.
export function IsAttachmentIds(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({
      required: false,
      type: [String],
      format: 'uuid',
      maxItems: ATTACHMENT_IDS_MAX,
      description: "Ids of the caller's own uploads (POST /api/files/upload), at most MAX_FILES_PER_MSG (default 10)",
    }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(ATTACHMENT_IDS_MAX),
    ArrayUnique(),
    IsUUID('all', { each: true }),
  );
}
