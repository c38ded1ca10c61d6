import cors from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';

// Routes a browser client (the Mini App, a web view) calls cross-origin.
const CORS_PREFIXES = ['/api/', '/auth/'];
const ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'X-Request-Id', 'Last-Event-ID'];
// The SDK reads these from responses: request ids for support, Retry-After for 429 backoff.
const EXPOSED_HEADERS = ['X-Request-Id', 'Retry-After'];

const wantsCors = (url: string): boolean => CORS_PREFIXES.some((prefix) => url.startsWith(prefix));

// CORS for the allow-list (preflights answered 204 before any auth guard runs), and the response
// headers every browser client relies on: nosniff everywhere, no caching of session-bound answers.
export async function registerBrowserClients(fastify: FastifyInstance, origins: readonly string[]): Promise<void> {
  const allowed = new Set(origins);
  await fastify.register(cors, {
    hook: 'onRequest',
    strictPreflight: false,
    delegator: (request: FastifyRequest, callback) => {
      const origin = request.headers.origin;
      const enabled = wantsCors(request.url) && origin !== undefined && allowed.has(origin);
      callback(null, {
        // false = no CORS headers at all (and a preflight falls through to the 404 envelope).
        origin: enabled ? origin : false,
        methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'],
        allowedHeaders: ALLOWED_HEADERS,
        exposedHeaders: EXPOSED_HEADERS,
        maxAge: 600,
      });
    },
  });
  fastify.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('x-content-type-options', 'nosniff');
    if (wantsCors(request.url) && !reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
    done(null, payload);
  });
}
