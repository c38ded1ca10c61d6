import cors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';

// Routes a browser client (the Mini App, a web view) calls cross-origin.
const CORS_PREFIXES = ['/api/', '/auth/'];
const ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'X-Request-Id', 'Last-Event-ID'];
// The SDK reads these from responses: request ids for support, Retry-After for 429 backoff.
const EXPOSED_HEADERS = ['X-Request-Id', 'Retry-After'];

const wantsCors = (url: string): boolean => CORS_PREFIXES.some((prefix) => url.startsWith(prefix));

// @fastify/cors resolves its options on every request (a copy of its defaults, request.routeOptions
// read twice, a closure), a few µs on each poll, which no mobile app or same-origin GET needs: only
// a request with an Origin header on a CORS route can get CORS headers. Its onRequest hook runs for
// those alone; the others get what it would have given them, `Vary: Origin` on a CORS route
// (its answer depends on the Origin header) and nothing elsewhere.
const corsWhereAsked = fp(
  async (fastify: FastifyInstance, options: FastifyCorsOptions) => {
    const onlyWithOrigin = (hook: onRequestHookHandler): onRequestHookHandler =>
      function (request, reply, done) {
        if (request.headers.origin !== undefined && wantsCors(request.url)) return hook.call(this, request, reply, done);
        if (wantsCors(request.url)) void reply.header('vary', 'Origin');
        done();
      };
    const wrapped: FastifyInstance = new Proxy(fastify, {
      get(target, property, receiver) {
        if (property !== 'addHook') return Reflect.get(target, property, receiver) as unknown;
        return (name: string, hook: onRequestHookHandler) =>
          target.addHook(name as 'onRequest', name === 'onRequest' ? onlyWithOrigin(hook) : hook);
      },
    });
    await new Promise<void>((resolve, reject) => cors(wrapped, options, (error?: Error) => (error ? reject(error) : resolve())));
  },
  { name: 'cors-where-asked', fastify: '5.x' },
);

// CORS for the allow-list (preflights answered 204 before any auth guard runs), and the response
// headers every browser client relies on: nosniff everywhere, no caching of session-bound answers.
export async function registerBrowserClients(fastify: FastifyInstance, origins: readonly string[]): Promise<void> {
  const allowed = new Set(origins);
  await fastify.register(corsWhereAsked, {
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
