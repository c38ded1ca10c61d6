import type { FastifyMultipartOptions, Multipart, MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../common/errors';
import type { AppConfig } from '../config/config';
import { tooLarge } from './upload-stream';

// Registered once in app.factory.ts. Parts are streamed (never attachFieldsToBody). busboy gets one
// byte more than the cap so our own counter sees the overflow and rejects while streaming.
export function multipartOptions(config: AppConfig): FastifyMultipartOptions {
  const { maxFileBytes, maxFilesPerMessage } = config.files;
  return {
    limits: {
      fileSize: maxFileBytes + 1,
      files: maxFilesPerMessage,
      fields: 20,
      fieldSize: 1024,
      parts: maxFilesPerMessage + 20,
      headerPairs: 100,
    },
    throwFileSizeLimit: true,
  };
}

// The file parts of a multipart request, with the parser's own failures as our errors.
export async function* fileParts(request: FastifyRequest, limits: AppConfig['files']): AsyncGenerator<MultipartFile> {
  const iterator = request.parts()[Symbol.asyncIterator]();
  for (;;) {
    let result: IteratorResult<Multipart>;
    try {
      result = await iterator.next();
    } catch (error) {
      throw multipartError(error, limits);
    }
    if (result.done) return;
    if (result.value.type === 'file') yield result.value;
  }
}

function multipartError(error: unknown, limits: AppConfig['files']): AppError {
  if (error instanceof AppError) return error;
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return tooLarge(limits.maxFileBytes);
    case 'FST_FILES_LIMIT':
      return new AppError('payload_too_large', `At most ${limits.maxFilesPerMessage} files per upload`);
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new AppError('payload_too_large', 'Too many form fields');
    default:
      // busboy's own complaints (no boundary, truncated body, bad part headers) and client aborts.
      return new AppError('bad_request', 'The upload is not valid multipart/form-data or was interrupted');
  }
}
