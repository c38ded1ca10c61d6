import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { AppError } from '../common/errors';
import { type AllowedType, detectType, SNIFF_BYTES, TEXT_TYPE, Utf8TextValidator } from './file-types';

// After a rejected upload we keep reading (and discarding) what the client still sends, so it
// can read our error instead of a reset; past these bounds the connection is cut.
const DRAIN_MAX_BYTES = 64 * 1024 * 1024;
const DRAIN_MAX_MS = 10_000;

export const tooLarge = (maxBytes: number): AppError =>
  new AppError('payload_too_large', `Each file may be at most ${Math.floor(maxBytes / (1024 * 1024))} MB`);
export const unsupportedType = (): AppError =>
  new AppError('unsupported_media_type', 'File type is not allowed (JPEG, PNG, GIF, WEBP, BMP, PDF, MP4 or UTF-8 text)');
const interrupted = (): AppError => new AppError('bad_request', 'The upload was interrupted or is malformed');

export interface ValidatedUpload {
  type: AllowedType;
  // The file's bytes as they pass validation; errors (413/415) the moment a limit is crossed.
  body: Readable;
  // Bytes that went through `body` so far (the file size once `body` has ended).
  bytesRead(): number;
}

// Decides the type from the first bytes, then hands out a stream of the whole file that counts
// bytes and (for text) keeps checking UTF-8, without ever holding more than the first chunks.
// `overLimit` is the error for a file past `maxBytes` (the storage quota's own message when that is
// the tighter bound).
export async function validateUpload(
  source: Readable & { truncated?: boolean },
  maxBytes: number,
  overLimit: () => AppError = () => tooLarge(maxBytes),
): Promise<ValidatedUpload> {
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const next = async (): Promise<IteratorResult<Buffer>> => iterator.next().catch(() => Promise.reject(interrupted()));
  const release = async (): Promise<void> => void (await iterator.return?.().catch(() => undefined));

  const head: Buffer[] = [];
  let headBytes = 0;
  let ended = false;
  try {
    while (headBytes < SNIFF_BYTES && headBytes <= maxBytes) {
      const result = await next();
      if (result.done) {
        ended = true;
        break;
      }
      head.push(result.value);
      headBytes += result.value.length;
    }
    if (headBytes === 0) throw new AppError('validation_error', 'file is empty');
    if (headBytes > maxBytes) throw overLimit();
  } catch (error) {
    await release();
    throw error;
  }
  const detection = await detectType(Buffer.concat(head).subarray(0, SNIFF_BYTES), ended);
  if (detection.kind === 'rejected') {
    await release();
    throw unsupportedType();
  }

  const text = detection.kind === 'text' ? new Utf8TextValidator() : undefined;
  let size = 0;
  const admit = (chunk: Buffer): Buffer => {
    size += chunk.length;
    if (size > maxBytes || source.truncated) throw overLimit();
    if (text && !text.accept(chunk)) throw unsupportedType();
    return chunk;
  };
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      for (const chunk of head.splice(0)) yield admit(chunk);
      for (let result = ended ? undefined : await next(); result && !result.done; result = await next()) yield admit(result.value);
      if (source.truncated) throw overLimit();
      if (text && !text.finish()) throw unsupportedType();
    } finally {
      await release();
    }
  }
  return {
    type: detection.kind === 'binary' ? detection.type : TEXT_TYPE,
    body: Readable.from(chunks(), { objectMode: false }),
    bytesRead: () => size,
  };
}

// Reads and discards the rest of a request body we stopped parsing, within bounds.
export function drainAbandonedBody(request: IncomingMessage): void {
  if (request.readableEnded || request.destroyed) return;
  let drained = 0;
  const cut = (): void => void request.socket?.destroy();
  const timer = setTimeout(cut, DRAIN_MAX_MS).unref();
  request.unpipe();
  request.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_MAX_BYTES) cut();
  });
  request.once('close', () => clearTimeout(timer));
  request.resume();
}
