import { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Logger } from '@nestjs/common';
import { AppError } from '../../common/errors';
import type { S3Config } from '../../config/config';
import type { ObjectMetadata, ObjectStorage } from './object-storage';

// The smallest part S3 accepts; with one part in flight an upload holds at most ~2 parts in memory.
const PART_SIZE = 5 * 1024 * 1024;

// S3 or any S3-compatible store (endpoint + path-style from config). The only user of the AWS SDK.
export class S3ObjectStorage implements ObjectStorage {
  private readonly logger = new Logger(S3ObjectStorage.name);
  private readonly client: S3Client;
  private readonly uploadSlots: Semaphore;

  constructor(private readonly config: S3Config) {
    this.uploadSlots = new Semaphore(config.uploadConcurrency);
    this.client = new S3Client({
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: config.forcePathStyle,
      requestChecksumCalculation: config.checksumMode,
      responseChecksumValidation: config.checksumMode,
      credentials:
        config.accessKeyId && config.secretAccessKey
          ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey }
          : undefined,
    });
  }

  async put(key: string, body: Readable, metadata: ObjectMetadata): Promise<void> {
    // lib-storage buffers parts in memory: bound how many uploads do so at once (the others'
    // clients are held back by TCP backpressure meanwhile).
    const release = await this.uploadSlots.acquire();
    try {
      await this.upload(key, body, metadata);
    } finally {
      release();
    }
  }

  private async upload(key: string, body: Readable, metadata: ObjectMetadata): Promise<void> {
    // Streaming multipart upload; on failure the multipart upload is aborted (no orphan parts).
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.config.bucket,
        Key: key,
        Body: body,
        ContentType: metadata.contentType,
        ContentDisposition: metadata.contentDisposition,
        CacheControl: metadata.cacheControl,
        Metadata: { owner: metadata.ownerTag },
      },
      partSize: PART_SIZE,
      queueSize: 1,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (error) {
      if (error instanceof AppError) throw error;
      // A body error (oversize, bad type) surfaces here too: report the body's own error.
      if (body.errored instanceof AppError) throw body.errored;
      throw this.unavailable('put', error);
    }
  }

  async get(key: string): Promise<Readable> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: key }));
      if (!(response.Body instanceof Readable)) throw new Error('S3 returned no body stream');
      return response.Body;
    } catch (error) {
      if (error instanceof NoSuchKey) throw new AppError('not_found', 'File not found');
      throw this.unavailable('get', error);
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: key }));
    } catch (error) {
      throw this.unavailable('delete', error);
    }
  }

  // S3 answers a presigned GET with the Content-Type/-Disposition and Cache-Control stored at upload.
  async directDownloadUrl(key: string): Promise<string> {
    const command = new GetObjectCommand({ Bucket: this.config.bucket, Key: key });
    return getSignedUrl(this.client, command, { expiresIn: this.config.presignTtlSeconds });
  }

  // SDK errors never leave this class: log the cause, hand out a generic 502.
  private unavailable(operation: string, error: unknown): AppError {
    this.logger.error({ err: error, operation }, 'Object storage request failed');
    return new AppError('service_unavailable', 'File storage is unavailable');
  }
}

class Semaphore {
  private readonly waiting: (() => void)[] = [];

  constructor(private available: number) {}

  async acquire(): Promise<() => void> {
    if (this.available > 0) this.available -= 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.available += 1;
    };
  }
}
