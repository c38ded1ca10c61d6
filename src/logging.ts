import { AsyncLocalStorage } from 'node:async_hooks';
import type { LoggerService } from '@nestjs/common';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import type PinoPretty from 'pino-pretty';
import type { AppConfig } from './config/config';

// Structured JSON logs through Fastify's own pino: every request gets a child logger carrying its
// request id (built on its first line, lazyRequestLogger), and one "request completed" line. We used nestjs-pino first; its request logging is a
// Nest middleware, and on Fastify any Nest middleware runs through @fastify/middie, which cost a
// quarter of the poll's throughput (README › Benchmarks). Credentials are never logged.
export function createRootLogger(config: Pick<AppConfig, 'logLevel' | 'logFormat'>, destination?: NodeJS.WritableStream): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    base: { service: 'support-bff' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-hub-signature"]', 'headers.authorization'],
      censor: '[redacted]',
    },
    // Every `err` field, whichever logger writes it (Fastify's request children inherit it).
    serializers: { err: serializeError },
  };
  if (config.logFormat === 'pretty') {
    // Dev on a terminal: one coloured line per entry, written synchronously in this thread (no
    // transport worker). Loaded only here: pino-pretty is a dev dependency.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pretty = require('pino-pretty') as typeof PinoPretty;
    const stream = pretty.build({
      colorize: destination === undefined && process.stdout.isTTY,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,service,context',
      messageFormat: '{if context}[{context}] {end}{msg}',
      sync: true,
      destination: destination ?? 1,
    });
    return pino(options, stream);
  }
  // Production JSON: the level as its name ("info"), which log pipelines index without a lookup table.
  const json = { ...options, formatters: { level: (label: string) => ({ level: label }) } };
  return destination ? pino(json, destination) : pino(json);
}

// The request's logger for code running on its behalf (services, guards, the error filter).
const requestLoggers = new AsyncLocalStorage<Logger>();

// Fastify's `childLoggerFactory`: each request's logger (request.log) is built on its first log
// line, not when the request arrives. pino's child() serialises the bindings at once, ~1.5 µs and
// 3 % of a successful poll's server CPU, for a request that, at the default level, logs nothing.
// The line, once written, is the same as the eager child's. A route's own log level or
// serializers are applied by pino's child(), so such a child is built at once.
export function lazyRequestLogger(logger: FastifyBaseLogger, bindings: pino.Bindings, options: pino.ChildLoggerOptions): FastifyBaseLogger {
  if (options.level !== undefined || options.serializers !== undefined) return logger.child(bindings, options);
  return new LazyChildLogger(logger as Logger, bindings);
}

class LazyChildLogger {
  private built: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly childBindings: pino.Bindings,
  ) {}

  // True once something has logged through it (or asked for its bindings or a child).
  get materialised(): boolean {
    return this.built !== undefined;
  }

  get level(): string {
    return this.parent.level;
  }

  isLevelEnabled(level: string): boolean {
    return this.parent.isLevelEnabled(level);
  }

  fatal(...args: unknown[]): void {
    Reflect.apply(this.logger.fatal, this.logger, args);
  }
  error(...args: unknown[]): void {
    Reflect.apply(this.logger.error, this.logger, args);
  }
  warn(...args: unknown[]): void {
    Reflect.apply(this.logger.warn, this.logger, args);
  }
  info(...args: unknown[]): void {
    Reflect.apply(this.logger.info, this.logger, args);
  }
  debug(...args: unknown[]): void {
    Reflect.apply(this.logger.debug, this.logger, args);
  }
  trace(...args: unknown[]): void {
    Reflect.apply(this.logger.trace, this.logger, args);
  }
  silent(): void {}

  child(bindings: pino.Bindings, options?: pino.ChildLoggerOptions): Logger {
    return this.logger.child(bindings, options);
  }

  bindings(): pino.Bindings {
    return this.logger.bindings();
  }

  private get logger(): Logger {
    return (this.built ??= this.parent.child(this.childBindings));
  }
}

const ROUTINE = /^\/(?:health|ready)(?:\?|$)|^\/api\/conversations\/[^/]+\/poll(?:\?|$)/;

export function registerRequestLogging(fastify: FastifyInstance): void {
  fastify.addHook('preHandler', (request, _reply, done) => {
    requestLoggers.enterWith(request.log as Logger);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    // Successful polls and probes arrive tens of thousands of times a second and say nothing:
    // they are logged at debug; failures always.
    const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : ROUTINE.test(request.url) ? 'debug' : 'info';
    const log = request.log as Logger;
    if (log.isLevelEnabled(level)) {
      log[level](
        { method: request.method, path: request.url.split('?')[0], statusCode: status, responseTimeMs: Math.round(reply.elapsedTime) },
        'request completed',
      );
    }
    done();
  });
}

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

// Nest's boot narration: a line per module ("… dependencies initialized"), per controller and per
// route. Useful when debugging the wiring, noise otherwise: logged at debug.
const NEST_STARTUP_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

// Nest's LoggerService over pino: accepts Nest's (message, ...params, context) and pino's
// ({ fields }, message) styles alike.
export class AppLogger implements LoggerService {
  constructor(private readonly root: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    const context = params[params.length - 1];
    this.write(typeof context === 'string' && NEST_STARTUP_CONTEXTS.has(context) ? 'debug' : 'info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    const logger = requestLoggers.getStore() ?? this.root;
    if (!logger.isLevelEnabled(level)) return;
    const rest = [...params];
    // Nest appends the logger's context as the last string parameter.
    const context = rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    if (message instanceof Error) {
      const err = serializeError(message);
      logger[level]({ context, err }, typeof err.message === 'string' ? err.message : undefined);
    } else if (typeof message === 'object' && message !== null) {
      const text = typeof rest[0] === 'string' ? rest[0] : undefined;
      logger[level]({ context, ...(message as Record<string, unknown>) }, text);
    } else {
      // Nest's error(message, stack, context) form: keep the stack as a field.
      const stack = level === 'error' && typeof rest[0] === 'string' ? rest[0] : undefined;
      logger[level]({ context, ...(stack ? { stack } : {}) }, String(message));
    }
  }
}

// What an error is logged as. Errors carry the data they failed on: TypeORM's QueryFailedError its
// query `parameters` (webhook payloads, e-mails, CSAT comments), Postgres its `detail` ("Key
// (email)=(…)", "Failing row contains (…)") and `where` (the JSON around a bad jsonb value), and
// pg-pool's errors the pg `client` itself (host, user, database, cancel key), which pg-boss passes
// on in its 'error' events. One rule instead of a case per library: an error is its type, message,
// stack and scalar fields; nested errors (cause, driverError) and plain objects of scalars (the AWS
// SDK's $metadata) follow the same rule, anything else (arrays, class instances such as a pg client)
// is left out. Postgres data exceptions (SQLSTATE class 22) quote the offending value in their
// message (`invalid input syntax for type uuid: "jane@…"`): quoted text there is replaced.
const DATA_FIELDS = new Set(['parameters', 'detail', 'where', 'internalQuery']);
const MAX_ERROR_DEPTH = 4;

export function serializeError(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return { message: String(value) };
  return serializeObject(value as Record<string, unknown>, 0, new Set());
}

function serializeObject(source: Record<string, unknown>, depth: number, seen: Set<object>): Record<string, unknown> {
  seen.add(source);
  const out: Record<string, unknown> = {};
  if (source instanceof Error) out.type = source.constructor?.name ?? source.name;
  // An Error's message, stack and cause are own but not enumerable.
  const keys = new Set([...(source instanceof Error ? ['message', 'stack', 'cause'] : []), ...Object.keys(source)]);
  const dataException = typeof source.code === 'string' && /^22[0-9A-Z]{3}$/.test(source.code);
  for (const key of keys) {
    if (DATA_FIELDS.has(key)) continue;
    const field = source[key];
    if (typeof field === 'string') out[key] = dataException && (key === 'message' || key === 'stack') ? withoutQuotedValues(field) : field;
    else if (typeof field === 'number' || typeof field === 'boolean') out[key] = field;
    else if (typeof field === 'bigint') out[key] = field.toString();
    else if (isNested(field) && depth < MAX_ERROR_DEPTH && !seen.has(field)) out[key] = serializeObject(field, depth + 1, seen);
  }
  if (Array.isArray(source.errors) && depth < MAX_ERROR_DEPTH) {
    out.errors = source.errors.filter(isNested).map((error) => serializeObject(error, depth + 1, seen));
  }
  return out;
}

function isNested(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  if (value instanceof Error) return true;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function withoutQuotedValues(text: string): string {
  return text.replace(/"(?:[^"\\]|\\.)*"/g, '"[redacted]"');
}
