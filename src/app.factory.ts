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
import { AppLogger, createRootLogger, registerRequestLogging } from './logging';
import { multipartOptions, streamingMultipart } from './files/multipart';
import { registerHttpMetrics } from './metrics/http-metrics';
import { MetricsService } from './metrics/metrics.service';
import { buildOpenApiDocument } from './openapi/openapi-document';
import { registerMiniApp } from './tma/tma-static';
import { routeBodyLimit } from './common/route-body-limit';

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
    // We log one completion line ourselves (logging.ts), under the label `requestId`.
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: true }),
    return503OnClosing: true,
  });
  // rawBody: webhook signatures are checked over the exact bytes received (src/webhooks).
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, { bufferLogs: true, rawBody: true });
  app.useLogger(new AppLogger(rootLogger));
  app.useGlobalPipes(validationPipe);

  const fastify = app.getHttpAdapter().getInstance();
  registerRequestLogging(fastify);
  // CORS preflights are answered in onRequest, before guards; also nosniff / no-store headers.
  await registerBrowserClients(fastify, config.corsOrigins);
  // Per-route body caps from @RouteConfig({ bodyLimit }) (the webhook takes 1 MB); before routes exist.
  fastify.addHook('onRoute', routeBodyLimit);
  // http_request_duration_seconds per route template (src/metrics); also before routes exist.
  registerHttpMetrics(fastify, app.get(MetricsService));
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
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
