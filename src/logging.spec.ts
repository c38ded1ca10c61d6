import { PassThrough } from 'node:stream';
import { AppLogger, createRootLogger } from './logging';

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
});
