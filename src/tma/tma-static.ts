import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

// The reference Mini App's built files (apps/tma, `npm run build`) at /tma/. Hashed assets are
// immutable; index.html is revalidated so a deploy is picked up at the next open.
export async function registerMiniApp(fastify: FastifyInstance, directory: string): Promise<boolean> {
  const root = resolve(directory);
  if (!existsSync(resolve(root, 'index.html'))) return false;
  await fastify.register(fastifyStatic, {
    root,
    prefix: '/tma/',
    wildcard: true,
    index: ['index.html'],
    setHeaders: (reply, path) => {
      void reply.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  // Telegram opens the URL it was given; /tma (no slash) would break the app's relative paths.
  fastify.get('/tma', (_request, reply) => reply.redirect('/tma/', 301));
  return true;
}
