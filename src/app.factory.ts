import type { IncomingMessage } from 'node:http';
import { LogController } from 'fastify';
import { NestFactory } from '@nestjs/core';
import { IntercomWorkspaceSetup } from './intercom/workspace-setup';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { registerBrowserClients } from './browser/browser-clients';
import { requestIdFor } from './common/request-id';
import { validationPipe } from './common/validation';
import type { AppConfig } from './config/config';
import { AppLogger, createRootLogger, lazyRequestLogger, registerRequestLogging } from './logging';
import { multipartOptions, streamingMultipart } from './files/multipart';
import { registerHttpMetrics } from './metrics/http-metrics';
import { MetricsService } from './metrics/metrics.service';
import { buildOpenApiDocument } from './openapi/openapi-document';
import { registerMiniApp } from './tma/tma-static';
import { routeBodyLimit } from './common/route-body-limit';
import {
  clientErrorHandler,
  closeSocketsAtRequestLimit,
  frameworkErrors,
  multipartOnlyWhereTaken,
  uriLengthCap,
} from './common/http-layer';
import { registerJsonBodies } from './common/json-body';
import { sessionBeforeBody } from './auth/session-before-body';
import { authPerIp } from './auth/auth-ip-limit';
import { UserRateLimiter } from './auth/rate-limit';
import { SessionTokensService } from './auth/session-tokens.service';

export interface CreateAppOptions {
  // Where the logs go instead of stdout (tests read what a run logged).
  logDestination?: NodeJS.WritableStream;
}

// Builds the whole HTTP application (used by main.ts, the dev runner, tests and benchmarks).
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const rootLogger = createRootLogger(config, options.logDestination);
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy === false ? false : config.trustProxy.split(',').map((entry) => entry.trim()),
    genReqId: (raw: IncomingMessage) => requestIdFor(raw),
    loggerInstance: rootLogger,
    childLoggerFactory: lazyRequestLogger,
    // We log one completion line ourselves (logging.ts), under the label `requestId`.
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: true }),
    return503OnClosing: true,
    // The HTTP layer's own refusals are the envelope too (src/common/http-layer.ts).
    frameworkErrors,
    clientErrorHandler,
    // Timeouts and bounds (docs/hardening.md › 2): a client trickling bytes is cut off, and open
    // sockets are capped. Node checks the request/headers timeouts every connectionsCheckingInterval
    // (default 30 s, which would let a trickler live that much longer).
    requestTimeout: config.http.requestTimeoutMs,
    connectionTimeout: config.http.connectionTimeoutMs,
    keepAliveTimeout: config.http.keepAliveTimeoutMs,
    maxRequestsPerSocket: config.http.maxRequestsPerSocket,
    http: {
      maxHeaderSize: config.http.maxHeaderBytes,
      headersTimeout: config.http.headersTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, config.http.headersTimeoutMs),
    },
    // A path parameter is bounded by the URL cap, not by a shorter cap of its own: an over-long id
    // is the route's answer (404 / validation_error), an over-long URL the 414.
    routerOptions: { maxParamLength: config.http.maxUrlLength },
  });
  // bodyParser off: our own JSON parser (bounded, src/common/json-body.ts) is the only one, plus
  // multipart for the upload; Nest's would add application/x-www-form-urlencoded.
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, { bufferLogs: true, bodyParser: false });
  app.useLogger(new AppLogger(rootLogger));
  app.useGlobalPipes(validationPipe);

  const fastify = app.getHttpAdapter().getInstance();
  fastify.server.maxConnections = config.http.maxConnections;
  closeSocketsAtRequestLimit(fastify.server, config.http.maxRequestsPerSocket);
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  fastify.addHook('onRequest', uriLengthCap(config.http.maxUrlLength));
  registerJsonBodies(fastify, config.json);
  // Before any body is read: no session on /api/* is a 401 (not a 400 for its JSON), and only the
  // upload takes multipart.
  fastify.addHook('preParsing', sessionBeforeBody(app.get(SessionTokensService)));
  fastify.addHook('preParsing', multipartOnlyWhereTaken);
  registerRequestLogging(fastify);
  // CORS preflights are answered in onRequest, before guards; also nosniff / no-store headers.
  await registerBrowserClients(fastify, config.corsOrigins);
  // Per-IP limit of the sign-in routes; after CORS, so a preflight does not count.
  fastify.addHook('onRequest', authPerIp(app.get(UserRateLimiter)));
  // Per-route body caps from @RouteConfig({ bodyLimit }) (the webhook takes 1 MB); before routes exist.
  fastify.addHook('onRoute', routeBodyLimit(config.auth.bodyLimitBytes));
  // http_request_duration_seconds per route template (src/metrics); also before routes exist.
  registerHttpMetrics(fastify, app.get(MetricsService));
  // Graceful shutdown: close() stops accepting, lets in-flight requests finish, and closes sockets
  // that were idle when it began; a keep-alive socket whose request was still running would keep
  // the server open forever, so while closing, idle sockets are closed as their responses finish.
  fastify.addHook('preClose', (done) => {
    const sweeper = setInterval(() => fastify.server.closeIdleConnections(), 50);
    fastify.server.once('close', () => clearInterval(sweeper));
    done();
  });

  const document = buildOpenApiDocument(app, config);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/json' });
  // Streaming multipart for file uploads (src/files); must be registered before routes are.
  await app.register(streamingMultipart, multipartOptions(config));
  // The reference Mini App at /tma/ (when built: `npm run build`).
  if (!(await registerMiniApp(fastify, config.tma.dir)))
    rootLogger.warn({ dir: config.tma.dir }, 'Mini App not built: /tma/ is off (npm run build)');
  await app.init();
  // The service (not CLI contexts such as the dead-letter tools) says what the Intercom workspace lacks.
  await app.get(IntercomWorkspaceSetup).logBootCheck();
  return app;
}
