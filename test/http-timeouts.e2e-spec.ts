import { connect, type Socket } from 'node:net';
import { type TestApp, startTestApp } from './helpers/app';
import { waitFor } from './helpers/wait';

// #15 item 2: a client trickling bytes is cut off, sockets are bounded (docs/hardening.md › 2).

interface Trickler {
  socket: Socket;
  received: () => string;
  closed: Promise<void>;
  stop: () => void;
}

// Opens a socket, sends `start`, then one byte of `drip` every `everyMs` until closed.
function trickle(url: string, start: string, everyMs = 200, drip = 'a'): Trickler {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  const chunks: Buffer[] = [];
  let timer: NodeJS.Timeout | undefined;
  socket.on('connect', () => {
    socket.write(start);
    timer = setInterval(() => {
      if (socket.writable) socket.write(drip);
    }, everyMs);
  });
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  void closed.then(() => clearInterval(timer));
  return {
    socket,
    received: () => Buffer.concat(chunks).toString('utf8'),
    closed,
    stop: () => {
      clearInterval(timer);
      socket.destroy();
    },
  };
}

const envelopeOf = (text: string) => JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;

describe('HTTP timeouts and connection bounds (#15 item 2)', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await startTestApp({
      HEADERS_TIMEOUT_MS: '1000',
      REQUEST_TIMEOUT_MS: '2000',
      KEEP_ALIVE_TIMEOUT_MS: '1000',
      CONNECTION_TIMEOUT_MS: '30000',
      MAX_REQUESTS_PER_SOCKET: '2',
      MAX_CONNECTIONS: '40',
    });
  });
  afterAll(() => testApp.close());

  const openConnections = () =>
    new Promise<number>((resolve, reject) =>
      testApp.app.getHttpServer().getConnections((error, count) => (error ? reject(error) : resolve(count))),
    );

  it('cuts off a client trickling its headers after HEADERS_TIMEOUT_MS with the 408 envelope', async () => {
    const client = trickle(testApp.url, 'GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
    await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(envelopeOf(client.received())).toEqual({ error: 'bad_request', message: expect.any(String), requestId: expect.any(String) });
  });

  it('cuts off a client trickling its body after REQUEST_TIMEOUT_MS', async () => {
    const client = trickle(
      testApp.url,
      'POST /auth/exchange HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n{"token":"',
    );
    await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  // Node drains the rest of a refused request's body so the client can read the answer (closing at
  // once would make an upload with an expired session a network error, not a 401); a trickler is
  // still cut at REQUEST_TIMEOUT_MS.
  it('lets a client refused before its body arrived send the rest and read the answer, and cuts a trickler', async () => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(4 * 1024 * 1024)]), 'big.bin');
    const refused = await fetch(`${testApp.url}/api/files/upload`, { method: 'POST', body: form });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: 'unauthorized', message: expect.any(String), requestId: expect.any(String) });
    const client = trickle(
      testApp.url,
      'POST /api/conversations HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"body":"',
    );
    await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 401 /);
  });

  it('lets 30 trickling clients hold no socket past the timeout', async () => {
    const clients = Array.from({ length: 30 }, () => trickle(testApp.url, 'GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ', 300));
    await Promise.all(clients.map((client) => client.closed));
    expect(await waitFor(async () => ((await openConnections()) === 0 ? true : undefined))).toBe(true);
  });

  it('refuses sockets past MAX_CONNECTIONS at accept, and takes new ones once others close', async () => {
    const held = Array.from({ length: 40 }, () => trickle(testApp.url, '', 100_000));
    await waitFor(async () => ((await openConnections()) === 40 ? true : undefined));
    const extra = trickle(testApp.url, '', 100_000);
    await extra.closed;
    expect(extra.received()).toBe('');
    for (const client of held) client.stop();
    await waitFor(async () => ((await openConnections()) === 0 ? true : undefined));
    const response = await fetch(`${testApp.url}/health`);
    expect(response.status).toBe(200);
    await response.arrayBuffer();
  });

  it('closes a keep-alive socket after MAX_REQUESTS_PER_SOCKET requests, and an idle one after KEEP_ALIVE_TIMEOUT_MS', async () => {
    const request = 'GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n';
    // Two requests, the second answered with Connection: close (a third pipelined one would get
    // Node's bare 503 without being run: docs/hardening.md › 2).
    const busy = trickle(testApp.url, request + request, 100_000);
    await busy.closed;
    const answers = busy.received().match(/HTTP\/1\.1 \d{3}/g) ?? [];
    expect(answers).toEqual(['HTTP/1.1 200', 'HTTP/1.1 200']);
    expect(busy.received()).toMatch(/connection: close/i);

    const idle = trickle(testApp.url, request, 100_000);
    await idle.closed;
    expect(idle.received()).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('closes the socket after the answer that reached MAX_REQUESTS_PER_SOCKET, so a client ignoring Connection: close reconnects instead of getting 503s', async () => {
    const { hostname, port } = new URL(testApp.url);
    const socket = connect(Number(port), hostname);
    socket.on('error', () => undefined);
    let received = '';
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    const answers = () => received.match(/HTTP\/1\.1 \d{3}/g) ?? [];
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('utf8');
      // Like autocannon: the next request as soon as an answer is complete, whatever its Connection header.
      if (answers().length < 4 && received.endsWith('}') && socket.writable)
        socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n');
    });
    socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await closed;
    expect(answers()).toEqual(['HTTP/1.1 200', 'HTTP/1.1 200']);
  });
});
