import type { Readable } from 'node:stream';

export const OBJECT_STORAGE = Symbol('OBJECT_STORAGE');

// Stored with the object so that a direct (presigned) download answers with our headers.
export interface ObjectMetadata {
  contentType: string;
  contentDisposition: string;
  cacheControl: string;
  // Opaque owner tag, recorded with the object for operators (who owns what, without a DB lookup).
  ownerTag: string;
}

// Where file bytes live. Two implementations: S3 (or any S3-compatible store) and local disk.
export interface ObjectStorage {
  // Streams `body` to `key`. If the body errors, rejects and leaves no object behind.
  put(key: string, body: Readable, metadata: ObjectMetadata): Promise<void>;
  // The object's bytes as a stream; AppError not_found when it is missing.
  get(key: string): Promise<Readable>;
  // Idempotent: deleting a missing key is not an error.
  delete(key: string): Promise<void>;
  // A short-lived URL the client may fetch directly, or undefined when the bytes must go through us.
  directDownloadUrl(key: string): Promise<string | undefined>;
}
