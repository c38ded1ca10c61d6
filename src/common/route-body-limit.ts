import type { RouteOptions } from 'fastify';

// Fastify onRoute hook: a route may set its own body cap with @RouteConfig({ bodyLimit }) (Nest
// passes route config through); every other route keeps the global BODY_LIMIT_BYTES.
export function routeBodyLimit(routeOptions: RouteOptions): void {
  const limit = (routeOptions.config as { bodyLimit?: unknown } | undefined)?.bodyLimit;
  if (typeof limit === 'number') routeOptions.bodyLimit = limit;
}
