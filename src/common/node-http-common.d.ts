// Node's internal HTTP helpers module (public as `node:_http_common`, untyped in @types/node): the
// one function the stream take-over needs (src/common/http-layer.ts).
declare module 'node:_http_common' {
  export function freeParser(parser: unknown, request: unknown, socket: unknown): void;
}
