// The server side of `npm run bench:upload`, in its own process so its RSS is measured alone:
// `app` = the whole BFF in production mode (local disk, or S3 when S3_* is set); `baseline` = bare Fastify with
// @fastify/multipart piping each file straight to disk (the least any upload route can do).
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import Fastify from 'fastify';
import { SessionTokensService } from '../src/auth/session-tokens.service';
import { createApp } from '../src/app.factory';
import { loadConfig } from '../src/config/config';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';

const MB = 1024 * 1024;

async function startApp(directory: string): Promise<{ port: number; token: string; stop(): Promise<void> }> {
  const postgres = await startEmbeddedPostgres();
  const secret = (name: string) => `bench-${name}-secret-0123456789abcdef`;
  const config = loadConfig({
    NODE_ENV: 'production',
    PORT: '0',
    LOG_LEVEL: 'warn',
    DATABASE_URL: postgres.url,
    FILES_DIR: directory,
    INTERCOM_ACCESS_TOKEN: secret('intercom'),
    INTERCOM_CLIENT_SECRET: secret('intercom-client'),
    INTERCOM_BASE_URL: 'http://127.0.0.1:9',
    INTERCOM_ADMIN_ID: '1',
    SESSION_JWT_SECRET: secret('session'),
    HOST_JWT_SECRET: secret('host'),
    TELEGRAM_BOT_TOKEN: secret('telegram'),
    FILE_LINK_SECRET: secret('files'),
    PUSH_MOBILE_SENDER: 'log',
    PUSH_TMA_SENDER: 'log',
    RATE_LIMIT_UPLOAD_PER_MIN: '100000',
    // BENCH_STORAGE=s3: the driver starts an in-process S3 server and passes its S3_* settings.
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('S3_'))),
  });
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const { token } = await app.get(SessionTokensService).issue({ userId: 'bench-user', telegramChatId: null, name: null, email: null });
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    token,
    stop: async () => {
      await app.close();
      await postgres.stop();
    },
  };
}

async function startBaseline(directory: string): Promise<{ port: number; token: string; stop(): Promise<void> }> {
  const server = Fastify({ logger: false });
  await server.register(multipart, { limits: { fileSize: 20 * MB + 1, files: 10 } });
  server.post('/api/files/upload', async (request, reply) => {
    for await (const part of request.files()) await pipeline(part.file, createWriteStream(join(directory, randomUUID())));
    return reply.status(201).send({ files: [] });
  });
  await server.listen({ port: 0, host: '127.0.0.1' });
  const address = server.server.address();
  return { port: typeof address === 'object' && address ? address.port : 0, token: 'none', stop: () => server.close() };
}

async function main(): Promise<void> {
  const [mode, directory] = process.argv.slice(2);
  if (!directory || (mode !== 'app' && mode !== 'baseline')) throw new Error('usage: upload-server.ts app|baseline <directory>');
  const server = mode === 'app' ? await startApp(directory) : await startBaseline(directory);
  process.send?.({ port: server.port, token: server.token });
  process.once('message', () => void server.stop().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
