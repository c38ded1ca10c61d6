import type { FastifyInstance, onResponseHookHandler, RouteOptions } from 'fastify';
import type { MetricsService } from './metrics.service';

// The one label for every request that matched no route (scanners, typos): never the raw path.
export const UNMATCHED_ROUTE = '(unmatched)';

// http_request_duration_seconds from one onResponse hook per route, added when the route is
// registered: the route template and method are known then, so the hook reads nothing per request
// but the status and Fastify's own hrtime-based elapsed time (no extra hook to start a timer, and
// not request.routeOptions, whose getter builds a dozen-field object on every call). Requests that
// matched no route are counted by one root hook, under UNMATCHED_ROUTE. Must run before routes exist.
export function registerHttpMetrics(fastify: FastifyInstance, metrics: MetricsService): void {
  if (!metrics.enabled) return;
  const histogram = metrics.httpRequestDuration;
  fastify.addHook('onRoute', (routeOptions: RouteOptions) => {
    const methods = Array.isArray(routeOptions.method) ? routeOptions.method : [routeOptions.method];
    const series = new Map(methods.map((method) => [method, histogram.route(method, routeOptions.url)]));
    const only = series.size === 1 ? [...series.values()][0] : undefined;
    const hook: onResponseHookHandler = only
      ? (_request, reply, done) => {
          only.observe(reply.statusCode, reply.elapsedTime);
          done();
        }
      : (request, reply, done) => {
          series.get(request.method)?.observe(reply.statusCode, reply.elapsedTime);
          done();
        };
    const existing = routeOptions.onResponse;
    routeOptions.onResponse = [...(existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]), hook];
  });
  // Unknown routes: the per-method series are created on first use; methods are a short fixed list.
  const unmatched = new Map<string, ReturnType<typeof histogram.route>>();
  fastify.addHook('onResponse', (request, reply, done) => {
    if (request.is404) {
      const method = KNOWN_METHODS.has(request.method) ? request.method : 'OTHER';
      let series = unmatched.get(method);
      if (!series) {
        series = histogram.route(method, UNMATCHED_ROUTE);
        unmatched.set(method, series);
      }
      series.observe(reply.statusCode, reply.elapsedTime);
    }
    done();
  });
}

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
