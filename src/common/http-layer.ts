import { randomUUID } from 'node:crypto';
import { freeParser } from 'node:_http_common';
import { type IncomingMessage, type Server, type ServerResponse, STATUS_CODES, validateHeaderName, validateHeaderValue } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest, onRequestHookHandler, preParsingHookHandler } from 'fastify';
import { AppError, type ErrorCode } from './errors';
import { mapError } from './error-envelope';

// What the HTTP layer answers before (or instead of) a route, as the envelope with X-Request-Id
// like every other error (api.md › Conventions): Node's parser failures, the router's, and the
// URL cap.

const envelopeHeaders = (requestId: string) => ({
  'content-type': 'application/json; charset=utf-8',
  'x-content-type-options': 'nosniff',
  'x-request-id': requestId,
});

// Fastify's `frameworkErrors`: the router's own refusals (a path parameter that is not valid URL
// encoding, one over maxParamLength) are answered before any hook or Nest filter runs.
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const mapped = mapError(error);
  void reply
    .code(mapped.status)
    .headers({ ...mapped.headers, ...envelopeHeaders(request.id) })
    .send(JSON.stringify({ error: mapped.code, message: mapped.message, requestId: request.id }));
}

// Requests Node's HTTP parser refuses never become a request: headers over MAX_HEADER_BYTES (431),
// a method it does not know (404, as any method no route takes), a request not received within
// REQUEST_TIMEOUT_MS / HEADERS_TIMEOUT_MS (408), anything else malformed (400).
function clientErrorAnswer(code: string | undefined): [number, ErrorCode, string] {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return [431, 'bad_request', 'Request headers (or the request line) are too large'];
    case 'HPE_INVALID_METHOD':
      return [404, 'not_found', 'Not found'];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [408, 'bad_request', 'The request was not received in time'];
    case undefined:
    default:
      return [400, 'bad_request', 'Malformed HTTP request'];
  }
}

// Fastify's `clientErrorHandler` (Node's `clientError` event): there is no request, so the
// answer is written on the socket, which is then closed, as Node and Fastify do by default.
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset socket has nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const [status, code, message] = clientErrorAnswer(error.code);
    const requestId = randomUUID();
    const body = JSON.stringify({ error: code, message, requestId });
    const headers = Object.entries({
      ...envelopeHeaders(requestId),
      'content-length': String(Buffer.byteLength(body)),
      connection: 'close',
    })
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${headers}\r\n${body}`);
  }
  socket.destroy();
}

// onRequest, first of all hooks: a URL over MAX_URL_LENGTH is a 414 before CORS, auth or a route.
export function uriLengthCap(maxUrlLength: number): onRequestHookHandler {
  return (request, _reply, done) => {
    if (request.raw.url !== undefined && request.raw.url.length > maxUrlLength) {
      done(new AppError('bad_request', `The URL is longer than ${maxUrlLength} characters`, {}, 414));
      return;
    }
    done();
  };
}

// Route config of the one route that takes multipart/form-data (the upload).
export interface MultipartRouteConfig {
  multipart?: boolean;
}

// preParsing: multipart/form-data is parsed lazily by the upload route itself (@fastify/multipart
// only marks the request), so any other route would see no body at all: refuse it as a content
// type the route does not take.
export const multipartOnlyWhereTaken: preParsingHookHandler = (request, _reply, payload, done) => {
  const type = request.headers['content-type'];
  if (
    type !== undefined &&
    /^\s*multipart\//i.test(type) &&
    !(request.routeOptions.config as MultipartRouteConfig | undefined)?.multipart
  ) {
    done(new AppError('bad_request', 'This route takes application/json, not multipart'), payload);
    return;
  }
  done(null, payload);
};

const REQUESTS_SERVED = Symbol('requestsServed');

// Node's maxRequestsPerSocket only asks the client to leave (Connection: close on the last
// answer) and keeps the socket open, answering every later request on it with a bare 503 — for
// good, to a client that ignores the header (autocannon does; a benchmark's "throughput" was
// mostly those). Closing the socket once that answer is out makes every client reconnect.
export function closeSocketsAtRequestLimit(server: Server, maxRequestsPerSocket: number): void {
  if (maxRequestsPerSocket === 0) return;
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const socket = request.socket as Socket & { [REQUESTS_SERVED]?: number };
    const served = (socket[REQUESTS_SERVED] ?? 0) + 1;
    socket[REQUESTS_SERVED] = served;
    if (served >= maxRequestsPerSocket) response.once('finish', () => socket.destroySoon());
  });
}

// Node's HTTP server keeps a request's state until its response ends: the parser (~7 KB of native
// memory), IncomingMessage, ServerResponse, and through the response's listeners Fastify's request,
// reply and child logger, ~12 KB a connection in all. An event stream's response lasts hours, and
// 10,000 of them held ~190 MB (docs/benchmarks.md). So once its head is decided, the stream takes
// the socket over as Node itself does for an upgrade (_http_server.js, onParserExecuteCommon): the
// server's listeners and parser are released, the head is written as one flat string, and the body
// (delimited by the close: `connection: close`, no chunked framing) goes straight to the socket.
// No public API detaches a plain response's socket; http-layer.spec.ts checks each step. Throws
// (before changing anything) when the socket cannot be taken over.
export function takeOverSocket(request: IncomingMessage, response: ServerResponse, headers: Record<string, HeaderValue>): Socket {
  const socket = request.socket as Socket & { parser?: unknown };
  // A pipelined request's answer waits for the one before it: a stream needs its socket to itself.
  if (response.socket !== socket) throw new AppError('bad_request', 'An event stream needs a connection of its own');
  // As writeHead would: a bad name or value throws before anything is sent.
  const lines = ['HTTP/1.1 200 OK', `date: ${new Date().toUTCString()}`];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    validateHeaderName(name);
    for (const item of Array.isArray(value) ? value : [String(value)]) {
      validateHeaderValue(name, item);
      lines.push(`${name}: ${item}`);
    }
  }
  for (const event of SERVER_SOCKET_EVENTS) {
    for (const listener of socket.listeners(event)) {
      if (SERVER_LISTENERS.has(listener.name)) socket.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  response.detachSocket(socket);
  freeParser(socket.parser, request, socket);
  // The stream's heartbeats keep it busy: the idle-connection timer only costs a timer a socket.
  socket.setTimeout(0);
  // The client never sends after its GET; what it might send is not read into memory.
  socket.resume();
  // The server's sockets are half-open capable: a client's end is the stream's end. An error
  // destroys the socket (and must have a listener, or it is thrown).
  socket.once('end', () => socket.destroy());
  socket.on('error', () => socket.destroy());
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  return socket;
}

type HeaderValue = string | number | string[] | undefined;

const SERVER_SOCKET_EVENTS = ['data', 'end', 'close', 'drain', 'error', 'timeout', 'resume', 'pause'];
// Node's own listeners on a server socket (connectionListenerInternal), by their function names.
const SERVER_LISTENERS = new Set([
  'bound socketOnData',
  'bound socketOnEnd',
  'bound socketOnClose',
  'bound socketOnDrain',
  'socketOnError',
  'socketOnTimeout',
  'onSocketResume',
  'onSocketPause',
]);
