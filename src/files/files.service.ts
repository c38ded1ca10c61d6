import { UserRateLimiter } from '../auth/rate-limit';
import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { AppError, notFound } from '../common/errors';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import type { UploadedFileDto, UploadResponseDto } from './dto/files.dto';
import { contentDisposition, sanitizeFileName } from './file-names';
import { isInline } from './file-types';
import { type FileRecord, FilesRepository } from './files.repository';
import { fileParts } from './multipart';
import { FileLinkSigner } from './signed-links';
import { OBJECT_STORAGE, type ObjectStorage } from './storage/object-storage';
import { drainAbandonedBody, validateUpload } from './upload-stream';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FILE_PART_NAME = 'file';
// Files are personal: shared caches must never keep them.
const CACHE_CONTROL = 'private';

export interface AttachmentLink {
  url: string;
  contentType: string;
  name: string;
}

export type FileResponse = { headers: Record<string, string> } & ({ redirectTo: string } | { body: Readable });

@Injectable()
export class FilesService {
  private readonly logger = new Logger(FilesService.name);
  private readonly signer: FileLinkSigner;

  constructor(
    private readonly files: FilesRepository,
    @Inject(OBJECT_STORAGE) private readonly storage: ObjectStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly limiter: UserRateLimiter,
  ) {
    this.signer = new FileLinkSigner(config.files.linkSecret);
  }

  // All or nothing: a rejected part removes what this request stored before it.
  async upload(ownerId: string, request: FastifyRequest): Promise<UploadResponseDto> {
    if (!request.isMultipart()) throw new AppError('bad_request', 'Expected multipart/form-data with "file" parts');
    const stored: FileRecord[] = [];
    try {
      // The quota bounds each file while it streams (an over-quota file is cut like an oversize
      // one); the insert checks it again under a per-user lock, for uploads running in parallel.
      let room = this.config.files.userQuotaBytes - (await this.files.usedBytes(ownerId));
      for await (const part of fileParts(request, this.config.files)) {
        if (part.fieldname !== FILE_PART_NAME) throw new AppError('validation_error', `file parts must be named "${FILE_PART_NAME}"`);
        const file = await this.storeOne(ownerId, part, Math.max(room, 0));
        stored.push(file);
        room -= file.size;
      }
      if (stored.length === 0) throw new AppError('validation_error', `file: at least one "${FILE_PART_NAME}" part is required`);
      if (!(await this.files.insertWithinQuota(ownerId, stored, this.config.files.userQuotaBytes))) throw this.quotaExceeded();
    } catch (error) {
      drainAbandonedBody(request.raw);
      await Promise.all(stored.map((file) => this.discardObject(file.storageKey)));
      throw error;
    }
    return { files: stored.map(toDto) };
  }

  // The owner's own file: S3 answers with a redirect to a short-lived presigned URL, disk with the bytes.
  async ownerDownload(ownerId: string, id: string): Promise<FileResponse> {
    const file = await this.files.findLive(id, ownerId);
    if (!file) throw notFound('File');
    const redirectTo = await this.storage.directDownloadUrl(file.storageKey);
    if (redirectTo) return { redirectTo, headers: { 'cache-control': 'private, no-store', 'x-content-type-options': 'nosniff' } };
    return { body: await this.storage.get(file.storageKey), headers: fileHeaders(file) };
  }

  // The link handed to Intercom: whoever holds a valid, unexpired signature gets the bytes. A bad
  // link counts against the IP (RATE_LIMIT_FILE_LINK_FAILURES_PER_IP_PER_MIN), a valid one never.
  async publicDownload(id: string, expiry: unknown, token: unknown, clientIp: string): Promise<FileResponse> {
    if (!UUID.test(id)) {
      this.limiter.hitIp('fileLinkFailures', clientIp);
      throw notFound('File');
    }
    if (!this.signer.verify(id.toLowerCase(), expiry, token)) {
      this.limiter.hitIp('fileLinkFailures', clientIp);
      throw new AppError('forbidden', 'Link is invalid or expired');
    }
    const file = await this.files.findLive(id);
    if (!file) throw notFound('File');
    return { body: await this.storage.get(file.storageKey), headers: fileHeaders(file) };
  }

  // For conversations and tickets: the caller's own files as signed public links, in the given order.
  async signedUrlsForAttachments(userId: string, fileIds: string[]): Promise<string[]> {
    return (await this.attachmentsFor(userId, fileIds)).map((attachment) => attachment.url);
  }

  // The same links with each file's detected type and name: Intercom takes images and other files
  // in different fields (see ConversationStarterService).
  async attachmentsFor(userId: string, fileIds: string[]): Promise<AttachmentLink[]> {
    const ids = [...new Set(fileIds.map((id) => id.toLowerCase()))];
    if (ids.length === 0) return [];
    if (ids.length > this.config.files.maxFilesPerMessage) {
      throw new AppError('validation_error', `attachmentIds must contain at most ${this.config.files.maxFilesPerMessage} elements`);
    }
    if (!ids.every((id) => UUID.test(id))) throw new AppError('validation_error', 'attachmentIds must contain file ids (UUIDs)');
    // Marked attached as it is handed out (before Intercom fetches the link), so the retention
    // sweep never deletes a file a message points to; a file the sweep has claimed is not found.
    // All or none: a request naming one missing file marks none (the transaction rolls back).
    const owned = await this.files.attachAll(ids, userId);
    if (!owned) throw new AppError('not_found', 'Attachment not found');
    const byId = new Map(owned.map((file) => [file.id, file]));
    return ids.map((id) => ({ url: this.signedUrl(id), contentType: byId.get(id)!.content_type, name: byId.get(id)!.name }));
  }

  signedUrl(id: string, now = Date.now()): string {
    const { expiresAt, token } = this.signer.sign(id, now + this.config.files.linkTtlSeconds * 1000);
    return `${this.config.publicBaseUrl}/files/${id}?e=${expiresAt}&t=${token}`;
  }

  private async storeOne(ownerId: string, part: MultipartFile, room: number): Promise<FileRecord> {
    const { maxFileBytes } = this.config.files;
    const upload =
      room < maxFileBytes
        ? await validateUpload(part.file, room, () => this.quotaExceeded())
        : await validateUpload(part.file, maxFileBytes);
    const ownerTag = ownerTagFor(ownerId);
    const file: FileRecord = {
      id: randomUUID(),
      ownerId,
      storageKey: `files/${ownerTag}/${randomUUID()}`,
      contentType: upload.type.contentType,
      name: sanitizeFileName(part.filename, upload.type),
      size: 0,
    };
    try {
      await this.storage.put(file.storageKey, upload.body, {
        contentType: file.contentType,
        contentDisposition: dispositionFor(file),
        cacheControl: CACHE_CONTROL,
        ownerTag,
      });
    } catch (error) {
      await this.discardObject(file.storageKey);
      throw error;
    }
    file.size = upload.bytesRead();
    return file;
  }

  private quotaExceeded(): AppError {
    const { userQuotaBytes, unattachedRetentionHours } = this.config.files;
    return new AppError(
      'payload_too_large',
      `Your files may take at most ${Math.floor(userQuotaBytes / (1024 * 1024))} MB in total (uploads never attached to a message are deleted after ${unattachedRetentionHours} h)`,
    );
  }

  private async discardObject(key: string): Promise<void> {
    await this.storage.delete(key).catch((error: unknown) => this.logger.warn({ err: error, key }, 'Could not delete an abandoned upload'));
  }
}

// A stable, non-reversible tag of the owner in object keys: groups a user's objects without
// putting their id (possibly personal data) into storage paths.
function ownerTagFor(ownerId: string): string {
  return createHash('sha256').update(ownerId).digest('hex').slice(0, 32);
}

function dispositionFor(file: FileRecord): string {
  return contentDisposition(file.name, isInline(file.contentType));
}

function fileHeaders(file: FileRecord): Record<string, string> {
  return {
    'content-type': file.contentType,
    'content-length': String(file.size),
    'content-disposition': dispositionFor(file),
    'x-content-type-options': 'nosniff',
    'cache-control': CACHE_CONTROL,
  };
}

function toDto(file: FileRecord): UploadedFileDto {
  return { id: file.id, name: file.name, contentType: file.contentType, size: file.size };
}
