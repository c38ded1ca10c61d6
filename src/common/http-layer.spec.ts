import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { takeOverSocket } from './http-layer';

// A raw client: what it received so far, and whether the server closed the connection.
function rawClient(port: number): { socket: Socket; received: () => string; closed: Promise<void> } {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (text += chunk));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, received: () => text, closed };
}

async function until<T>(check: () => T | undefined, timeoutMs = 5000): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    const value = check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('timed out');
}

describe(takeOverSocket.name, () => {
  let server: Server;
  let port: number;
  let taken: { socket: Socket; parserBefore: unknown; response: ServerResponse } | undefined;
  let refused: unknown;
  const headers = { 'content-type': 'text/event-stream', 'x-request-id': 'req-1', vary: ['Origin', 'Accept'], connection: 'close' };

  beforeEach(async () => {
    taken = undefined;
    refused = undefined;
    // As the app's server: a connection timeout, so the socket has a timer to clear.
    server = createServer((request: IncomingMessage, response: ServerResponse) => {
      // Answered late: a request pipelined behind it waits for its socket.
      if (request.url === '/slow') {
        setTimeout(() => response.end(), 200);
        return;
      }
      const parserBefore = (request.socket as Socket & { parser?: unknown }).parser;
      try {
        const socket = takeOverSocket(request, response, request.url === '/bad' ? { 'x-bad': 'a\u0000b' } : headers);
        socket.write('retry: 1000\n\n');
        taken = { socket, parserBefore, response };
      } catch (error) {
        refused = error;
        if (response.socket) response.writeHead(500).end();
      }
    });
    server.timeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterEach(async () => {
    // Taken over, the socket is no longer the server's to close.
    taken?.socket.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('writes the head as given, then what the stream writes, close-delimited (no chunked framing)', async () => {
    const client = rawClient(port);
    client.socket.write('GET /api/events HTTP/1.1\r\nhost: x\r\n\r\n');
    const text = await until(() => (client.received().endsWith('retry: 1000\n\n') ? client.received() : undefined));
    const [head, body] = text.split('\r\n\r\n');
    const lines = head.split('\r\n');
    expect(lines[0]).toBe('HTTP/1.1 200 OK');
    expect(lines).toEqual(
      expect.arrayContaining([
        'content-type: text/event-stream',
        'x-request-id: req-1',
        'vary: Origin',
        'vary: Accept',
        'connection: close',
      ]),
    );
    expect(lines.some((line) => /^date: /.test(line))).toBe(true);
    expect(lines.some((line) => /^transfer-encoding/i.test(line))).toBe(false);
    expect(body).toBe('retry: 1000\n\n');
    taken!.socket.write('data: {}\n\n');
    await until(() => (client.received().endsWith('data: {}\n\n') ? true : undefined));
  });

  it("releases the server's parser, listeners, timer and response: the socket is the stream's alone", async () => {
    const client = rawClient(port);
    client.socket.write('GET /api/events HTTP/1.1\r\nhost: x\r\n\r\n');
    const { socket, parserBefore, response } = await until(() => taken);
    expect(parserBefore).toBeTruthy();
    expect((socket as Socket & { parser?: unknown }).parser).toBeNull();
    expect(response.socket).toBeNull();
    expect(socket.timeout ?? 0).toBe(0);
    const names = ['data', 'end', 'close', 'drain', 'error', 'timeout'].flatMap((event) =>
      socket.listeners(event).map((listener) => listener.name),
    );
    expect(names.filter((name) => /socketOn|onServerResponseClose/.test(name))).toEqual([]);
  });

  it('ignores what the client sends afterwards, and closes when the client ends', async () => {
    const client = rawClient(port);
    client.socket.write('GET /api/events HTTP/1.1\r\nhost: x\r\n\r\n');
    const { socket } = await until(() => taken);
    const serverClosed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    client.socket.write('GET /other HTTP/1.1\r\nhost: x\r\n\r\nnot http at all\r\n\r\n');
    await new Promise((resolve) => setImmediate(resolve));
    socket.write('data: still\n\n');
    await until(() => (client.received().endsWith('data: still\n\n') ? true : undefined));
    expect(client.received()).not.toMatch(/HTTP\/1\.1 [45]\d\d/);
    client.socket.end();
    await serverClosed;
    await client.closed;
  });

  it('refuses a pipelined request, whose answer waits for the one before it', async () => {
    const client = rawClient(port);
    client.socket.write('GET /slow HTTP/1.1\r\nhost: x\r\n\r\nGET /api/events HTTP/1.1\r\nhost: x\r\n\r\n');
    await until(() => refused);
    expect(refused).toMatchObject({ code: 'bad_request' });
    expect(taken).toBeUndefined();
  });

  it('refuses a header value writeHead would refuse, before anything is sent', async () => {
    const client = rawClient(port);
    client.socket.write('GET /bad HTTP/1.1\r\nhost: x\r\n\r\n');
    await until(() => refused);
    expect((refused as NodeJS.ErrnoException).code).toBe('ERR_INVALID_CHAR');
    await until(() => (client.received().startsWith('HTTP/1.1 500') ? true : undefined));
  });
});
