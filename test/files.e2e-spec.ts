import { readdir } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { FilesRetention } from '../src/files/files-retention';
import { FilesService } from '../src/files/files.service';
import { OBJECT_STORAGE, type ObjectStorage } from '../src/files/storage/object-storage';
import { type TestApp, startTestApp } from './helpers/app';
import { bmp, gif, jpeg, mp4, padded, pdf, png, rejected, utf8Text, webp } from './helpers/file-samples';
import { type RunningS3, startS3Server } from './helpers/s3-server';
import { bearer, sessionTokenFor } from './helpers/sessions';
import { expectEnvelope } from './helpers/http';

const MB = 1024 * 1024;
const MAX_FILES = 3;

interface Upload {
  name: string;
  bytes: Buffer;
  type?: string;
  field?: string;
}

describe.each(['local disk', 's3'] as const)('Files (e2e, %s)', (storage) => {
  let testApp: TestApp;
  let s3: RunningS3 | undefined;
  let filesDir: string;
  let aliceToken: string;
  let bobToken: string;

  beforeAll(async () => {
    filesDir = await mkdtemp(join(tmpdir(), 'support-bff-files-'));
    s3 = storage === 's3' ? await startS3Server() : undefined;
    testApp = await startTestApp({
      FILES_DIR: filesDir,
      MAX_FILE_MB: '1',
      MAX_FILES_PER_MSG: String(MAX_FILES),
      RATE_LIMIT_UPLOAD_PER_MIN: '1000',
      RATE_LIMIT_PER_MIN: '1000',
      ...s3?.env,
    });
    aliceToken = await sessionTokenFor(testApp, 'alice');
    bobToken = await sessionTokenFor(testApp, 'bob');
  });
  afterAll(async () => {
    await testApp.close();
    await s3?.stop();
  });

  const upload = async (files: Upload[], token = aliceToken, extraFields: Record<string, string> = {}) => {
    const form = new FormData();
    for (const [key, value] of Object.entries(extraFields)) form.append(key, value);
    for (const file of files)
      form.append(file.field ?? 'file', new Blob([file.bytes], { type: file.type ?? 'application/octet-stream' }), file.name);
    return fetch(`${testApp.url}/api/files/upload`, { method: 'POST', headers: bearer(token), body: form });
  };
  const uploadOne = async (file: Upload, token = aliceToken): Promise<{ id: string; name: string; contentType: string; size: number }> => {
    const response = await upload([file], token);
    expect(response.status).toBe(201);
    const body = (await response.json()) as { files: { id: string; name: string; contentType: string; size: number }[] };
    return body.files[0];
  };
  const storedRows = async (): Promise<number> => {
    const rows = await testApp.app.get(DataSource).query<{ count: number }[]>('SELECT count(*)::int AS count FROM files');
    return rows[0].count;
  };
  // Every file under the storage directory (s3rver keeps objects and unfinished multipart parts on disk).
  const storedObjects = async (): Promise<string[]> => {
    const entries = await readdir(s3?.directory ?? filesDir, { recursive: true, withFileTypes: true });
    return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
  };
  // Rejections must leave storage and the database exactly as they were.
  const expectNothingStoredBy = async (action: () => Promise<void>) => {
    const [rowsBefore, objectsBefore] = [await storedRows(), await storedObjects()];
    await action();
    expect(await storedRows()).toBe(rowsBefore);
    expect((await storedObjects()).sort()).toEqual(objectsBefore.sort());
  };
  // Follows S3's redirect the way a browser would, and returns the final response.
  const download = async (path: string, token = aliceToken) => {
    const response = await fetch(`${testApp.url}${path}`, { headers: bearer(token), redirect: 'manual' });
    if (storage === 'local disk' || response.status !== 302) return { first: response, final: response };
    return { first: response, final: await fetch(response.headers.get('location')!) };
  };

  describe('upload', () => {
    const allowed: [string, () => Buffer, string][] = [
      ['JPEG', jpeg, 'image/jpeg'],
      ['PNG', () => png(), 'image/png'],
      ['GIF', gif, 'image/gif'],
      ['WEBP', webp, 'image/webp'],
      ['BMP', bmp, 'image/bmp'],
      ['PDF', pdf, 'application/pdf'],
      ['MP4', mp4, 'video/mp4'],
      ['UTF-8 text', () => utf8Text(), 'text/plain; charset=utf-8'],
    ];

    it.each(allowed)('accepts %s by its bytes and serves it back with the detected type', async (_label, make, contentType) => {
      const bytes = make();
      // The client's name and MIME are deliberately wrong: only the bytes count.
      const stored = await uploadOne({ name: 'upload.bin', bytes, type: 'application/x-msdownload' });
      expect(stored).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: expect.stringMatching(/^upload\.bin\.\w+$/),
        contentType,
        size: bytes.length,
      });

      const { final } = await download(`/api/files/${stored.id}`);
      expect(final.status).toBe(200);
      expect(final.headers.get('content-type')).toBe(contentType);
      expect(final.headers.get('content-disposition')).toMatch(/^inline; filename="upload\.bin\.\w+"/);
      expect(Buffer.from(await final.arrayBuffer()).equals(bytes)).toBe(true);
    });

    it('stores several files of one request and answers with each', async () => {
      const [rowsBefore, objectsBefore] = [await storedRows(), (await storedObjects()).length];
      const response = await upload([
        { name: 'a.png', bytes: png() },
        { name: 'b.pdf', bytes: pdf() },
      ]);
      expect(response.status).toBe(201);
      const body = (await response.json()) as { files: { name: string; contentType: string }[] };
      expect(body.files.map((file) => [file.name, file.contentType])).toEqual([
        ['a.png', 'image/png'],
        ['b.pdf', 'application/pdf'],
      ]);
      expect(await storedRows()).toBe(rowsBefore + 2);
      expect((await storedObjects()).length).toBeGreaterThanOrEqual(objectsBefore + 2);
    });

    it('sanitizes the original name and ignores other form fields', async () => {
      const response = await upload([{ name: '../../etc/\u202egnp.exe', bytes: png() }], aliceToken, { note: 'hello' });
      expect(response.status).toBe(201);
      const body = (await response.json()) as { files: { name: string }[] };
      expect(body.files[0].name).toBe('gnp.exe.png');
    });

    it('cuts a long name at 200 characters without splitting one (an emoji across the cut was a 500)', async () => {
      const file = await uploadOne({ name: `${'a'.repeat(199)}😀😀.png`, bytes: png() });
      expect(file.name).toBe(`${'a'.repeat(199)}😀.png`);
      const { final } = await download(`/api/files/${file.id}`);
      expect(final.status).toBe(200);
      expect(final.headers.get('content-disposition')).toContain(`${encodeURIComponent('😀')}.png`);
    });

    it('accepts a file of exactly MAX_FILE_MB', async () => {
      const stored = await uploadOne({ name: 'exact.png', bytes: padded(png(), MB) });
      expect(stored.size).toBe(MB);
    });

    it.each(Object.entries(rejected))('refuses %s with 415 and stores nothing', async (label, make) => {
      await expectNothingStoredBy(async () => {
        await expectEnvelope(await upload([{ name: `${label}.png`, bytes: make(), type: 'image/png' }]), 415, 'unsupported_media_type');
      });
    });

    it('rolls back earlier files of the request when a later one is refused', async () => {
      await expectNothingStoredBy(async () => {
        const response = await upload([
          { name: 'fine.png', bytes: png() },
          { name: 'evil.png', bytes: rejected.elf() },
        ]);
        await expectEnvelope(response, 415, 'unsupported_media_type');
      });
    });

    it('refuses a file over MAX_FILE_MB with 413 and stores nothing', async () => {
      await expectNothingStoredBy(async () => {
        await expectEnvelope(await upload([{ name: 'big.png', bytes: padded(png(), MB + 1) }]), 413, 'payload_too_large');
      });
    });

    it('answers 413 while the client is still sending an oversize file', async () => {
      await expectNothingStoredBy(async () => {
        const result = await streamOversizeUpload(testApp.url, aliceToken, 16 * MB);
        expect(result.status).toBe(413);
        expect(JSON.parse(result.body)).toMatchObject({ error: 'payload_too_large' });
        // The answer came long before the 16 MB were sent: the cap is enforced on the stream.
        expect(result.bytesSentBeforeResponse).toBeLessThan(8 * MB);
      });
      // The server is still healthy for the next request.
      expect((await upload([{ name: 'after.png', bytes: png() }])).status).toBe(201);
    });

    it('refuses more than MAX_FILES_PER_MSG files with 413 and stores nothing', async () => {
      await expectNothingStoredBy(async () => {
        const files = Array.from({ length: MAX_FILES + 1 }, (_, index) => ({ name: `${index}.png`, bytes: png() }));
        await expectEnvelope(await upload(files), 413, 'payload_too_large');
      });
    });

    it('refuses an empty file, a request without files, a wrong part name and a non-multipart body with 400', async () => {
      await expectNothingStoredBy(async () => {
        await expectEnvelope(await upload([{ name: 'empty.txt', bytes: Buffer.alloc(0) }]), 400, 'validation_error');
        await expectEnvelope(await upload([], aliceToken, { note: 'no file' }), 400, 'validation_error');
        await expectEnvelope(await upload([{ name: 'a.png', bytes: png(), field: 'attachment' }]), 400, 'validation_error');
        const json = await fetch(`${testApp.url}/api/files/upload`, {
          method: 'POST',
          headers: { ...bearer(aliceToken), 'content-type': 'application/json' },
          body: '{}',
        });
        await expectEnvelope(json, 400, 'bad_request');
      });
    });

    it('requires a session', async () => {
      const form = new FormData();
      form.append('file', new Blob([png()]), 'a.png');
      await expectEnvelope(await fetch(`${testApp.url}/api/files/upload`, { method: 'POST', body: form }), 401, 'unauthorized');
    });
  });

  describe('owner download', () => {
    it('sets the safety headers on every file response', async () => {
      const stored = await uploadOne({ name: 'Выписка;март.pdf', bytes: pdf() });
      const { first, final } = await download(`/api/files/${stored.id}`);
      for (const response of [first, final]) expect(response.headers.get('cache-control')).toMatch(/^private/);
      expect(first.headers.get('x-content-type-options')).toBe('nosniff');
      expect(final.headers.get('content-disposition')).toBe(
        `inline; filename="____________.pdf"; filename*=UTF-8''${encodeURIComponent('Выписка;март.pdf')}`,
      );
      if (storage === 's3') {
        expect(first.status).toBe(302);
        const location = new URL(first.headers.get('location')!);
        expect(location.origin).toBe(s3!.endpoint);
        expect(location.searchParams.get('X-Amz-Expires')).toBe('300');
      } else {
        expect(final.headers.get('x-content-type-options')).toBe('nosniff');
      }
    });

    it("answers 404 for another user's file, indistinguishable from a missing one", async () => {
      const stored = await uploadOne({ name: 'secret.png', bytes: png() });
      await expectEnvelope(await fetch(`${testApp.url}/api/files/${stored.id}`, { headers: bearer(bobToken) }), 404, 'not_found');
      await expectEnvelope(
        await fetch(`${testApp.url}/api/files/00000000-0000-4000-8000-000000000000`, { headers: bearer(aliceToken) }),
        404,
        'not_found',
      );
    });

    it('never resolves ids that try to leave the files route', async () => {
      for (const id of ['..', '..%2F..%2Fetc%2Fpasswd', '%2E%2E', 'a%2Fb', 'not-a-uuid']) {
        const response = await rawGet(testApp.url, `/api/files/${id}`, bearer(aliceToken));
        expect([400, 404]).toContain(response.status);
      }
      expect((await rawGet(testApp.url, '/api/files/../files/x', bearer(aliceToken))).status).toBe(404);
      expect((await rawGet(testApp.url, '/api/files/a/b', bearer(aliceToken))).status).toBe(404);
    });
  });

  describe('signed public links', () => {
    const service = () => testApp.app.get(FilesService);

    it('serves the file without credentials through a link from signedUrlsForAttachments', async () => {
      const bytes = png(3, 3);
      const stored = await uploadOne({ name: 'shot.png', bytes });
      const [link] = await service().signedUrlsForAttachments('alice', [stored.id]);
      expect(link).toMatch(new RegExp(`^${testApp.config.publicBaseUrl}/files/${stored.id}\\?e=\\d+&t=[0-9a-f]{64}$`));
      const response = await fetch(link.replace(testApp.config.publicBaseUrl, testApp.url));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/png');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('cache-control')).toBe('private');
      expect(response.headers.get('content-disposition')).toMatch(/^inline; filename="shot\.png"/);
      expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
    });

    it('answers 403 and never the bytes for tampered, expired, foreign or missing signatures', async () => {
      const stored = await uploadOne({ name: 'shot.png', bytes: png() });
      const other = await uploadOne({ name: 'other.png', bytes: png() });
      const link = new URL(service().signedUrl(stored.id));
      const [expiry, token] = [link.searchParams.get('e')!, link.searchParams.get('t')!];
      const flipped = (token[0] === 'a' ? 'b' : 'a') + token.slice(1);
      const expired = new URL(service().signedUrl(stored.id, Date.now() - (testApp.config.files.linkTtlSeconds + 1) * 1000));
      const attempts = [
        `/files/${stored.id}?e=${expiry}&t=${flipped}`,
        `/files/${stored.id}?e=${Number(expiry) + 1000}&t=${token}`,
        `/files/${stored.id}?e=${expired.searchParams.get('e')}&t=${expired.searchParams.get('t')}`,
        `/files/${other.id}?e=${expiry}&t=${token}`,
        `/files/${stored.id}?e=${expiry}`,
        `/files/${stored.id}?t=${token}`,
        `/files/${stored.id}`,
        `/files/${stored.id}?e=${expiry}&t=${token.toUpperCase()}x`,
      ];
      for (const path of attempts) await expectEnvelope(await fetch(`${testApp.url}${path}`), 403, 'forbidden');
      for (const id of ['..', '%2E%2E', 'a%2Fb'])
        expect([400, 404]).toContain((await rawGet(testApp.url, `/files/${id}?e=${expiry}&t=${token}`)).status);
    });

    it("refuses another user's or a missing file as an attachment with not_found", async () => {
      const stored = await uploadOne({ name: 'mine.png', bytes: png() });
      await expect(service().signedUrlsForAttachments('bob', [stored.id])).rejects.toMatchObject({ code: 'not_found' });
      await expect(service().signedUrlsForAttachments('alice', [stored.id, '00000000-0000-4000-8000-000000000000'])).rejects.toMatchObject({
        code: 'not_found',
      });
      await expect(service().signedUrlsForAttachments('alice', ['../x'])).rejects.toMatchObject({ code: 'validation_error' });
      const tooMany = Array.from({ length: MAX_FILES + 1 }, () => crypto.randomUUID());
      await expect(service().signedUrlsForAttachments('alice', tooMany)).rejects.toMatchObject({ code: 'validation_error' });
      expect(await service().signedUrlsForAttachments('alice', [stored.id, stored.id])).toHaveLength(1);
    });
  });

  // #15 item 10d: what one user may keep, and how long an upload that no message uses is kept.
  describe('per-user quota and retention of unattached uploads', () => {
    const QUOTA_MB = 2;
    const RETENTION_HOURS = 6;
    let limited: TestApp;

    beforeAll(async () => {
      limited = await startTestApp({
        FILES_DIR: filesDir,
        MAX_FILE_MB: '1',
        FILES_USER_QUOTA_MB: String(QUOTA_MB),
        FILES_UNATTACHED_RETENTION_HOURS: String(RETENTION_HOURS),
        RATE_LIMIT_UPLOAD_PER_MIN: '1000',
        ...s3?.env,
      });
    });
    afterAll(() => limited.close());

    const send = async (userId: string, files: Upload[]) => {
      const form = new FormData();
      for (const file of files) form.append('file', new Blob([file.bytes]), file.name);
      const token = await sessionTokenFor(limited, userId);
      return fetch(`${limited.url}/api/files/upload`, { method: 'POST', headers: bearer(token), body: form });
    };
    const sendOne = async (userId: string, file: Upload): Promise<string> => {
      const response = await send(userId, [file]);
      expect(response.status).toBe(201);
      return ((await response.json()) as { files: { id: string }[] }).files[0].id;
    };
    const database = () => limited.app.get(DataSource);
    const usedBytes = async (userId: string): Promise<number> => {
      const [row] = await database().query<{ used: number }[]>(
        'SELECT coalesce(sum(size), 0)::int AS used FROM files WHERE owner_id = $1',
        [userId],
      );
      return row.used;
    };
    const storageKey = async (id: string): Promise<string> =>
      (await database().query<{ storage_key: string }[]>('SELECT storage_key FROM files WHERE id = $1', [id]))[0].storage_key;
    const objectExists = (key: string) =>
      limited.app
        .get<ObjectStorage>(OBJECT_STORAGE)
        .get(key)
        .then(
          (body) => (body.destroy(), true),
          (error: { code?: string }) => (error.code === 'not_found' ? false : Promise.reject(error)),
        );
    const expectQuotaRefusal = async (response: Response) => {
      expect(response.status).toBe(413);
      expect(await response.json()).toMatchObject({
        error: 'payload_too_large',
        message: expect.stringContaining(`${QUOTA_MB} MB in total`),
      });
    };

    it('refuses an upload past FILES_USER_QUOTA_MB with 413 and stores nothing; other users are not affected', async () => {
      await sendOne('quota-carol', { name: 'one.png', bytes: padded(png(), MB) });
      await sendOne('quota-carol', { name: 'two.png', bytes: padded(png(), MB - 100) });
      const [rowsBefore, objectsBefore] = [await usedBytes('quota-carol'), (await storedObjects()).sort()];
      await expectQuotaRefusal(await send('quota-carol', [{ name: 'three.png', bytes: padded(png(), 200) }]));
      expect((await storedObjects()).sort()).toEqual(objectsBefore);
      expect(await usedBytes('quota-carol')).toBe(rowsBefore);
      expect(await usedBytes('quota-carol')).toBe(2 * MB - 100);
      // What is left fits, to the byte.
      await sendOne('quota-carol', { name: 'last.png', bytes: padded(png(), 100) });
      await sendOne('quota-dave', { name: 'one.png', bytes: padded(png(), MB) });
    });

    it('lets exactly one of two parallel uploads through when only one fits', async () => {
      await sendOne('quota-erin', { name: 'base.png', bytes: padded(png(), MB) });
      const responses = await Promise.all([0, 1].map(() => send('quota-erin', [{ name: 'race.png', bytes: padded(png(), MB - 10) }])));
      expect(responses.map((response) => response.status).sort()).toEqual([201, 413]);
      await expectQuotaRefusal(responses.find((response) => response.status === 413)!);
      expect(await usedBytes('quota-erin')).toBe(2 * MB - 10);
    });

    it('deletes uploads never attached once FILES_UNATTACHED_RETENTION_HOURS old (row and object), keeps attached and recent ones', async () => {
      const [expired, attached, recent] = [
        await sendOne('keeper', { name: 'expired.png', bytes: png() }),
        await sendOne('keeper', { name: 'attached.png', bytes: png() }),
        await sendOne('keeper', { name: 'recent.png', bytes: png() }),
      ];
      await limited.app.get(FilesService).signedUrlsForAttachments('keeper', [attached]);
      await database().query(`UPDATE files SET created_at = now() - make_interval(hours => $2) WHERE id = ANY($1::uuid[])`, [
        [expired, attached],
        RETENTION_HOURS + 1,
      ]);
      const expiredKey = await storageKey(expired);
      expect(await objectExists(expiredKey)).toBe(true);

      expect(await limited.app.get(FilesRetention).sweep()).toBe(1);
      expect(await objectExists(expiredKey)).toBe(false);
      const rows = await database().query<{ id: string }[]>('SELECT id FROM files WHERE owner_id = $1', ['keeper']);
      expect(rows.map((row) => row.id).sort()).toEqual([attached, recent].sort());
      expect(await objectExists(await storageKey(attached))).toBe(true);
      expect(await objectExists(await storageKey(recent))).toBe(true);
      // Gone for its owner and for messages alike.
      const token = await sessionTokenFor(limited, 'keeper');
      expect((await fetch(`${limited.url}/api/files/${expired}`, { headers: bearer(token) })).status).toBe(404);
      await expect(limited.app.get(FilesService).signedUrlsForAttachments('keeper', [expired])).rejects.toMatchObject({
        code: 'not_found',
      });
      // A second sweep has nothing left to do.
      expect(await limited.app.get(FilesRetention).sweep()).toBe(0);
    });

    it('finishes a sweep that stopped between claiming a row and deleting it', async () => {
      const id = await sendOne('keeper-crash', { name: 'claimed.png', bytes: png() });
      const key = await storageKey(id);
      // As a sweep leaves it when the process dies after the claim.
      await database().query('UPDATE files SET discarded_at = now() WHERE id = $1', [id]);
      expect(await usedBytes('keeper-crash')).toBeGreaterThan(0);
      await expect(limited.app.get(FilesService).signedUrlsForAttachments('keeper-crash', [id])).rejects.toMatchObject({
        code: 'not_found',
      });
      expect(await limited.app.get(FilesRetention).sweep()).toBe(1);
      expect(await objectExists(key)).toBe(false);
      expect(await usedBytes('keeper-crash')).toBe(0);
    });
  });
});

// A GET whose path is sent exactly as written (fetch would normalise `..` and `%2F` first).
function rawGet(base: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${base}${path}`, { headers }, (response) => {
      response.resume();
      resolve({ status: response.statusCode ?? 0 });
    });
    request.on('error', reject);
    request.path = path;
    request.end();
  });
}

// Sends a multipart upload of `totalBytes` in chunks and stops as soon as an answer arrives.
function streamOversizeUpload(
  base: string,
  token: string,
  totalBytes: number,
): Promise<{ status: number; body: string; bytesSentBeforeResponse: number }> {
  const boundary = 'oversize-boundary';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n`,
  );
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const request = httpRequest(`${base}/api/files/upload`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    request.on('response', (response) => {
      answered = true;
      const sentBeforeResponse = sent;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        resolve({
          status: response.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          bytesSentBeforeResponse: sentBeforeResponse,
        });
        request.destroy();
      });
    });
    request.on('error', (error) => (answered ? undefined : reject(error)));
    const chunk = padded(png(), 64 * 1024).subarray(0, 64 * 1024);
    const filler = Buffer.alloc(64 * 1024, 0x41);
    const pump = (): void => {
      while (!answered && sent < totalBytes) {
        const piece = sent === 0 ? Buffer.concat([head, chunk]) : filler;
        sent += piece.length;
        if (!request.write(piece)) {
          request.once('drain', pump);
          return;
        }
      }
      if (!answered) request.end(`\r\n--${boundary}--\r\n`);
    };
    pump();
  });
}
