import { PassThrough } from 'node:stream';
import { type TestApp, startTestApp } from './helpers/app';
import { bearer, sessionTokenFor } from './helpers/sessions';
import { RawStream } from './helpers/streams';
import { waitFor } from './helpers/wait';

interface LogLine {
  msg?: string;
  requestId?: string;
  path?: string;
  statusCode?: number;
  responseTimeMs?: number;
}

// A stream takes its socket over from Node's HTTP server (src/common/http-layer.ts ›
// takeOverSocket): what the server did for it at the end of a response, the stream does itself.
describe('Realtime stream on its own socket (e2e)', () => {
  let app: TestApp;
  let text = '';
  const lines = (): LogLine[] =>
    text
      .split('\n')
      .filter(Boolean)
      .map((raw) => JSON.parse(raw) as LogLine);

  beforeAll(async () => {
    const destination = new PassThrough();
    destination.on('data', (chunk: Buffer) => (text += chunk.toString()));
    app = await startTestApp(
      { LOG_LEVEL: 'info', LOG_FORMAT: 'json', STREAM_HEARTBEAT_MS: '300', CONNECTION_TIMEOUT_MS: '1000' },
      { logDestination: destination },
    );
  });
  afterAll(() => app.close());

  it('logs "request completed" with its request id when the stream ends', async () => {
    const token = await sessionTokenFor(app, 'stream-socket-log');
    const stream = await RawStream.open(`${app.url}/api/events`, bearer(token));
    const requestId = stream.response.headers.get('x-request-id');
    expect(requestId).toBeTruthy();
    await waitFor(() => (stream.retry !== undefined ? true : undefined));
    stream.close();
    const line = await waitFor(() => lines().find((entry) => entry.msg === 'request completed' && entry.requestId === requestId));
    expect(line).toMatchObject({ path: '/api/events', statusCode: 200 });
    expect(line.responseTimeMs).toEqual(expect.any(Number));
  });

  it('outlives CONNECTION_TIMEOUT_MS, its heartbeats keeping it open', async () => {
    const token = await sessionTokenFor(app, 'stream-socket-timeout');
    const stream = await RawStream.open(`${app.url}/api/events`, bearer(token));
    // 8 heartbeats 300 ms apart: 2.4 s, past the 1 s idle-connection timeout.
    await waitFor(() => (stream.comments.length >= 8 ? true : undefined));
    expect(stream.ended).toBe(false);
    stream.close();
  });
});
