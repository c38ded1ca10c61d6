import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

// Echo the client's X-Request-Id when it is sane, else mint one. Stored on the raw request so
// Fastify's request logger, the response header and the error envelope all carry the same id.
export function requestIdFor(raw: IncomingMessage & { id?: unknown }): string {
  if (typeof raw.id === 'string') return raw.id;
  const header = raw.headers['x-request-id'];
  const id = typeof header === 'string' && SANE_REQUEST_ID.test(header) ? header : randomUUID();
  raw.id = id;
  return id;
}
