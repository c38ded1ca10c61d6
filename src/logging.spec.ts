import { PassThrough } from 'node:stream';
import type { Logger } from 'pino';
import { AppLogger, createRootLogger, lazyRequestLogger, serializeError } from './logging';

function capture(format: 'json' | 'pretty', level: 'debug' | 'info' = 'info'): { logger: AppLogger; lines: () => string[] } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const root = createRootLogger({ logLevel: level, logFormat: format }, stream);
  return { logger: new AppLogger(root), lines: () => text.split('\n').filter(Boolean) };
}

describe('logging', () => {
  it('writes JSON lines with the level by name in production format', () => {
    const { logger, lines } = capture('json');
    logger.log({ userId: 'u1' }, 'Signed in', 'Auth');
    expect(lines().map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ level: 'info', msg: 'Signed in', context: 'Auth', userId: 'u1', service: 'support-bff' }),
    ]);
  });

  it('writes one human-readable line per entry in pretty format', () => {
    const { logger, lines } = capture('pretty');
    logger.warn({ operation: 'conversations.find' }, 'Intercom rate limit hit', 'Intercom');
    const [line, ...fields] = lines();
    expect(line).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: \[Intercom\] Intercom rate limit hit$/);
    expect(fields).toEqual(['    operation: "conversations.find"']);
    expect(() => JSON.parse(line)).toThrow();
  });

  it("puts Nest's per-module startup lines at debug, other Nest info lines stay at info", () => {
    const info = capture('json');
    info.logger.log('AppModule dependencies initialized', 'InstanceLoader');
    info.logger.log('Mapped {/health, GET} route', 'RouterExplorer');
    info.logger.log('Job queue started', 'Jobs');
    expect(info.lines().map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(['Job queue started']);

    const debug = capture('json', 'debug');
    debug.logger.log('AppModule dependencies initialized', 'InstanceLoader');
    expect(debug.lines().map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ level: 'debug', context: 'InstanceLoader', msg: 'AppModule dependencies initialized' }),
    ]);
  });

  describe('lazyRequestLogger (Fastify childLoggerFactory)', () => {
    function root(): { logger: Logger; lines: () => Record<string, unknown>[] } {
      const stream = new PassThrough();
      let text = '';
      stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
      const logger = createRootLogger({ logLevel: 'info', logFormat: 'json' }, stream);
      return {
        logger,
        lines: () =>
          text
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line) as Record<string, unknown>),
      };
    }

    it('builds no pino child until something logs through it', () => {
      const { logger } = root();
      const child = jest.spyOn(logger, 'child');
      const requestLog = lazyRequestLogger(logger, { requestId: 'r1' }, {}) as Logger;
      // What the "request completed" hook asks of a successful poll: the level only.
      expect(requestLog.level).toBe('info');
      expect(requestLog.isLevelEnabled('debug')).toBe(false);
      expect(child).not.toHaveBeenCalled();
      requestLog.warn('request completed');
      requestLog.info('again');
      expect(child).toHaveBeenCalledTimes(1);
      expect(child).toHaveBeenCalledWith({ requestId: 'r1' });
    });

    it("writes the same line as pino's own child, bindings included", () => {
      const lazy = root();
      lazyRequestLogger(lazy.logger, { requestId: 'r1' }, {}).warn({ statusCode: 404 }, 'request completed');
      const eager = root();
      eager.logger.child({ requestId: 'r1' }).warn({ statusCode: 404 }, 'request completed');
      const withoutTime = (line: Record<string, unknown>) => ({ ...line, time: undefined, pid: undefined });
      expect(lazy.lines().map(withoutTime)).toEqual(eager.lines().map(withoutTime));
      expect(lazy.lines()[0]).toEqual(expect.objectContaining({ requestId: 'r1', level: 'warn', statusCode: 404 }));
    });

    it("gives a route's own level to the child at once", () => {
      const { logger } = root();
      const requestLog = lazyRequestLogger(logger, { requestId: 'r1' }, { level: 'debug' });
      expect(requestLog.level).toBe('debug');
    });
  });

  describe('serializeError', () => {
    it('keeps type, message, stack and scalar fields; nested errors and plain objects by the same rule', () => {
      const cause = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', socket: { remoteAddress: '10.0.0.1' } });
      const error = Object.assign(new Error('Object storage request failed', { cause }), {
        $metadata: { httpStatusCode: 503, requestId: 'r1', headers: ['x'] },
        attempts: 3,
        retryable: true,
      });
      class Connection {
        host = 'db.internal';
      }
      Object.assign(cause, { connection: new Connection() });
      const out = serializeError(error);
      expect(out).toEqual({
        type: 'Error',
        message: 'Object storage request failed',
        stack: expect.stringContaining('Object storage request failed') as unknown,
        $metadata: { httpStatusCode: 503, requestId: 'r1' },
        attempts: 3,
        retryable: true,
        cause: expect.objectContaining({
          type: 'Error',
          message: 'socket hang up',
          code: 'ECONNRESET',
          socket: { remoteAddress: '10.0.0.1' },
        }) as unknown,
      });
      expect(JSON.stringify(out)).not.toContain('db.internal');
    });

    it('leaves out fields that quote data (query parameters, Postgres detail and where) at any depth', () => {
      const driverError = Object.assign(new Error('new row violates check constraint "c"'), {
        code: '23514',
        detail: 'Failing row contains (jane@example.com).',
        where: 'JSON data, line 1: {"email": "jane@example.com"',
        parameters: ['jane@example.com'],
      });
      const error = Object.assign(new Error(driverError.message), {
        query: 'INSERT INTO t VALUES ($1)',
        parameters: ['jane@example.com'],
        driverError,
      });
      const out = serializeError(error);
      expect(out).toMatchObject({ query: 'INSERT INTO t VALUES ($1)', driverError: { code: '23514' } });
      expect(JSON.stringify(out)).not.toContain('jane@example.com');
    });

    it('aggregate errors, circular references and non-errors', () => {
      const inner = new Error('one');
      Object.assign(inner, { self: inner });
      expect(serializeError(new AggregateError([inner], 'both failed'))).toMatchObject({
        type: 'AggregateError',
        errors: [{ type: 'Error', message: 'one' }],
      });
      expect(serializeError('plain text')).toEqual({ message: 'plain text' });
      // pg-boss's events are plain copies of an error with extra fields.
      expect(serializeError({ message: 'fetch failed', stack: 's', queue: 'q', client: new (class Client {})() })).toEqual({
        message: 'fetch failed',
        stack: 's',
        queue: 'q',
      });
    });

    it("is every logger's err serializer, and AppLogger logs an error's serialized message", () => {
      const { logger, lines } = capture('json');
      const error = Object.assign(new Error('invalid input syntax for type uuid: "jane@example.com"'), {
        code: '22P02',
        parameters: ['jane@example.com'],
      });
      logger.error({ err: error }, 'Lookup failed', 'Files');
      logger.error(error, 'Files');
      const [first, second] = lines().map((line) => JSON.parse(line) as { msg: string; err: Record<string, unknown> });
      expect(first.err).toMatchObject({ code: '22P02', message: 'invalid input syntax for type uuid: "[redacted]"' });
      expect(second.msg).toBe('invalid input syntax for type uuid: "[redacted]"');
      expect(lines().join('\n')).not.toContain('jane@example.com');
    });
  });
});
