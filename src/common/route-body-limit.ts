import type { RouteOptions } from 'fastify';

// Fastify onRoute hook: a route may set its own body cap with @RouteConfig({ bodyLimit }) (Nest
// passes route config through); the sign-in routes (/auth/*) take AUTH_BODY_LIMIT_BYTES, a few KB,
// as a sign-in body is one short token; every other route keeps the global BODY_LIMIT_BYTES.
export function routeBodyLimit(authBodyLimitBytes: number): (routeOptions: RouteOptions) => void {
  return (routeOptions) => {
    const limit = (routeOptions.config as { bodyLimit?: unknown } | undefined)?.bodyLimit;
    if (typeof limit === 'number') routeOptions.bodyLimit = limit;
    else if (routeOptions.url.startsWith('/auth/')) routeOptions.bodyLimit = authBodyLimitBytes;
  };
}
