import type { FastifyInstance, FastifyRequest } from 'fastify';
import sjson from 'secure-json-parse';
import { AppError } from './errors';

export interface JsonLimits {
  maxDepth: number;
  // Object keys and array items of the whole body, counted together; undefined = not bounded.
  maxKeys: number | undefined;
}

// Bytes that matter to the scan.
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;
const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

// One pass over the raw bytes, before JSON.parse and long before any DTO work: nesting deeper than
// maxDepth (a 4,000-deep body overflowed class-transformer's stack: a 500) and more members than
// maxKeys (a 20,000-key body cost ~300 ms of transformation and validation) are refused here, at
// the cost of reading each byte once. No library bounds both without parsing first (secure-json-parse
// and JSON.parse have no limits; streaming parsers cost more than the parse they would guard).
// Malformed JSON is left to the parser that follows: the scan only counts.
export function assertJsonBounds(raw: Buffer, limits: JsonLimits): void {
  const maxKeys = limits.maxKeys ?? Number.POSITIVE_INFINITY;
  // Per open container: whether it is an array, and whether it has seen a value yet (arrays).
  const isArray = new Uint8Array(limits.maxDepth + 1);
  let depth = 0;
  let members = 0;
  let inString = false;
  let arrayEmpty = false;
  for (let index = 0; index < raw.length; index += 1) {
    const byte = raw[index];
    if (inString) {
      // Jump to the next quote (a native search: text is most of a body's bytes); it closes the
      // string unless an odd run of backslashes escapes it. Unterminated: the parser refuses it.
      let next = raw.indexOf(QUOTE, index);
      while (next !== -1 && escaped(raw, next)) next = raw.indexOf(QUOTE, next + 1);
      if (next === -1) return;
      index = next;
      inString = false;
      continue;
    }
    // The first value in an array counts as a member; the following ones are counted at their comma.
    if (arrayEmpty && byte !== CLOSE_ARRAY && !WHITESPACE.has(byte)) {
      arrayEmpty = false;
      members += 1;
    }
    switch (byte) {
      case QUOTE:
        inString = true;
        break;
      case OPEN_OBJECT:
      case OPEN_ARRAY:
        depth += 1;
        if (depth > limits.maxDepth) throw new AppError('bad_request', `JSON body nested deeper than ${limits.maxDepth} levels`);
        isArray[depth] = byte === OPEN_ARRAY ? 1 : 0;
        arrayEmpty = byte === OPEN_ARRAY;
        break;
      case CLOSE_OBJECT:
      case CLOSE_ARRAY:
        arrayEmpty = false;
        if (depth > 0) depth -= 1;
        break;
      case COLON:
        members += 1;
        break;
      case COMMA:
        if (depth > 0 && isArray[depth] === 1) members += 1;
        break;
      default:
        break;
    }
    if (members > maxKeys) throw new AppError('payload_too_large', `JSON body has more than ${maxKeys} keys and array items`);
  }
}

// Whether the quote at `at` is escaped: preceded by an odd number of backslashes (the run cannot
// reach past the string's opening quote).
function escaped(raw: Buffer, at: number): boolean {
  let slashes = 0;
  for (let before = at - 1; raw[before] === BACKSLASH; before -= 1) slashes += 1;
  return slashes % 2 === 1;
}

// Bounds, then parses (secure-json-parse refuses __proto__ / constructor.prototype keys, as
// Fastify's own parser does). A body is a JSON object: null, an array or a bare value is refused
// (Nest would hand a DTO an empty object for null).
export function parseJsonBody(raw: Buffer, limits: JsonLimits): Record<string, unknown> {
  if (raw.length === 0) throw new AppError('bad_request', 'Request body is empty but Content-Type is application/json');
  assertJsonBounds(raw, limits);
  let parsed: unknown;
  try {
    parsed = sjson.parse(raw.toString('utf8'), undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    throw new AppError('bad_request', 'Request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AppError('bad_request', 'Request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

// Route config of a route that parses its own body once it has checked the raw bytes (the
// webhook: signature first, so an unsigned body costs no parse): it gets `rawBody` and no `body`.
export interface RawJsonRouteConfig {
  rawJson?: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
  }
}

// The only body parsers: JSON (bounded, as above) and, registered separately, multipart for the
// upload. Everything else (text/plain, application/x-www-form-urlencoded, …) is refused by Fastify
// as an unsupported media type: 400 bad_request (src/common/error-envelope.ts).
export function registerJsonBodies(fastify: FastifyInstance, limits: JsonLimits): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request: FastifyRequest, raw: Buffer, done) => {
    try {
      if ((request.routeOptions.config as RawJsonRouteConfig | undefined)?.rawJson) {
        request.rawBody = raw;
        done(null, undefined);
        return;
      }
      done(null, parseJsonBody(raw, limits));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}
