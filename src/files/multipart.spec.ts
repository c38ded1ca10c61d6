import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import { streamingMultipart } from './multipart';

const BOUNDARY = 'spec-boundary';

function form(files: { name: string; content: string }[]): string {
  const parts = files.map(
    (file) =>
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: text/plain\r\n\r\n${file.content}\r\n`,
  );
  return `${parts.join('')}--${BOUNDARY}--\r\n`;
}

// A route that streams every part and answers with what it read, or the parser's error code.
async function server(plugin: typeof streamingMultipart, options: Parameters<typeof streamingMultipart>[1]): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(plugin, options);
  app.post('/upload', async (request) => {
    const read: { filename: string; bytes: number }[] = [];
    try {
      for await (const part of request.parts()) {
        if (part.type !== 'file') continue;
        let bytes = 0;
        for await (const chunk of part.file) bytes += (chunk as Buffer).length;
        read.push({ filename: part.filename, bytes });
      }
    } catch (error) {
      return { error: (error as { code?: string }).code };
    }
    return { read };
  });
  await app.ready();
  return app;
}

const upload = (app: FastifyInstance, files: { name: string; content: string }[]) =>
  app.inject({
    method: 'POST',
    url: '/upload',
    headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    payload: form(files),
  });

describe('streamingMultipart', () => {
  it('adds no hook to the routes of the app, where @fastify/multipart adds two', async () => {
    const plain = await server(multipart as never, {});
    const streaming = await server(streamingMultipart, {});
    const hooksOf = (app: FastifyInstance) =>
      app
        .printRoutes({ includeHooks: true, commonPrefix: false })
        .split('\n')
        .filter((line) => /\((onRequest|onResponse)\)/.test(line));
    expect(hooksOf(plain).length).toBeGreaterThan(0);
    expect(hooksOf(streaming)).toEqual([]);
    await Promise.all([plain.close(), streaming.close()]);
  });

  it('streams the file parts of a multipart request', async () => {
    const app = await server(streamingMultipart, {});
    const response = await upload(app, [
      { name: 'a.txt', content: 'hello' },
      { name: 'b.txt', content: 'x'.repeat(1000) },
    ]);
    expect(response.json()).toEqual({
      read: [
        { filename: 'a.txt', bytes: 5 },
        { filename: 'b.txt', bytes: 1000 },
      ],
    });
    await app.close();
  });

  it('keeps the parser limits', async () => {
    const app = await server(streamingMultipart, { limits: { files: 1, fileSize: 10 }, throwFileSizeLimit: true });
    const tooMany = await upload(app, [
      { name: 'a.txt', content: 'a' },
      { name: 'b.txt', content: 'b' },
    ]);
    expect(tooMany.json()).toEqual({ error: 'FST_FILES_LIMIT' });
    const tooLarge = await upload(app, [{ name: 'a.txt', content: 'x'.repeat(11) }]);
    expect(tooLarge.json()).toEqual({ error: 'FST_REQ_FILE_TOO_LARGE' });
    await app.close();
  });
});
