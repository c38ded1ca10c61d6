import { PassThrough, Readable } from 'node:stream';
import { S3ObjectStorage } from '../src/files/storage/s3-object-storage';
import type { S3Config } from '../src/config/config';
import { type RunningS3, startS3Server } from './helpers/s3-server';

const METADATA = { contentType: 'image/png', contentDisposition: 'inline; filename="a.png"', cacheControl: 'private', ownerTag: 'owner' };

describe(`${S3ObjectStorage.name} (against s3rver)`, () => {
  let s3: RunningS3;
  const configFor = (overrides: Partial<S3Config> = {}): S3Config => ({
    bucket: s3.bucket,
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    checksumMode: 'WHEN_REQUIRED',
    presignTtlSeconds: 60,
    uploadConcurrency: 1,
    ...overrides,
  });

  beforeAll(async () => {
    s3 = await startS3Server();
  });
  afterAll(() => s3.stop());

  const read = async (stream: Readable): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };

  it('holds further uploads back (unread) while S3_UPLOAD_CONCURRENCY uploads are in flight', async () => {
    const storage = new S3ObjectStorage(configFor({ uploadConcurrency: 1 }));
    const first = new PassThrough();
    const second = new PassThrough();
    const firstDone = storage.put('queue/first', first, METADATA);
    first.write(Buffer.from('first-'));
    const secondDone = storage.put('queue/second', second, METADATA);
    second.end(Buffer.from('second'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    // The second body has not been touched while the first upload holds the only slot.
    expect(second.readableLength).toBe(6);
    first.end(Buffer.from('done'));
    await Promise.all([firstDone, secondDone]);
    expect((await read(await storage.get('queue/first'))).toString()).toBe('first-done');
    expect((await read(await storage.get('queue/second'))).toString()).toBe('second');
  });

  it('uploads a body larger than one part as a multipart upload', async () => {
    const storage = new S3ObjectStorage(configFor());
    const bytes = Buffer.alloc(11 * 1024 * 1024, 7);
    await storage.put('multi/part', Readable.from([bytes.subarray(0, 4e6), bytes.subarray(4e6)]), METADATA);
    expect((await read(await storage.get('multi/part'))).equals(bytes)).toBe(true);
    // s3rver writes and concatenates the parts on disk: under a loaded CI disk that took over 30 s once.
  }, 120_000);

  it('answers not_found for a missing key and hides SDK errors behind service_unavailable', async () => {
    const storage = new S3ObjectStorage(configFor());
    await expect(storage.get('missing/key')).rejects.toMatchObject({ code: 'not_found' });
    const wrongKey = new S3ObjectStorage(configFor({ secretAccessKey: 'not-the-right-secret-key' }));
    await expect(wrongKey.put('x/y', Readable.from([Buffer.from('x')]), METADATA)).rejects.toMatchObject({ code: 'service_unavailable' });
    await expect(wrongKey.get('x/y')).rejects.toMatchObject({ code: 'service_unavailable' });
  });
});
