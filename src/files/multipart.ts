import { fastifyMultipart, type FastifyMultipartOptions, type Multipart, type MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../common/errors';
import type { AppConfig } from '../config/config';
import { tooLarge } from './upload-stream';

// The hooks @fastify/multipart adds for its disk mode (saveRequestFiles): an async onRequest that
// watches every response for an early close and an async onResponse that deletes saved temporary
// files. Added through fastify-plugin, they run on every route of the app — each poll paid for them,
// ~10 % of its throughput (README › Benchmarks). We never save parts to disk: they are streamed
// (upload-stream.ts), so there is nothing for those hooks to clean.
const DISK_MODE_HOOKS = new Set(['onRequest', 'onResponse']);

// @fastify/multipart's parser, decorators and limits as they are, without its disk-mode hooks.
export const streamingMultipart = fp(
  async (fastify: FastifyInstance, options: FastifyMultipartOptions) => {
    const withoutDiskModeHooks: FastifyInstance = new Proxy(fastify, {
      get(target, property, receiver) {
        if (property !== 'addHook') return Reflect.get(target, property, receiver) as unknown;
        return (name: string, hook: never) => (DISK_MODE_HOOKS.has(name) ? withoutDiskModeHooks : target.addHook(name as never, hook));
      },
    });
    await new Promise<void>((resolve, reject) =>
      fastifyMultipart(withoutDiskModeHooks, options, (error?: Error) => (error ? reject(error) : resolve())),
    );
  },
  { name: 'streaming-multipart', fastify: '5.x' },
);

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
