import type { preParsingHookHandler } from 'fastify';
import { AppError } from '../common/errors';
import type { SessionTokensService } from './session-tokens.service';

// preParsing on /api/*: a request with a body but no valid session is a 401 before its body is
// read or parsed (malformed JSON, an oversize or multipart body), so an anonymous caller cannot
// make us parse anything and learns nothing about what a route accepts. The session guard still
// decides for every request (this only runs first, and its verification is cached).
export function sessionBeforeBody(sessions: SessionTokensService): preParsingHookHandler {
  return (request, _reply, payload, done) => {
    const hasBody = request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
    if (!hasBody || !request.url.startsWith('/api/')) {
      done(null, payload);
      return;
    }
    const header = request.headers.authorization;
    if (!header || header.length < 8 || header.slice(0, 7).toLowerCase() !== 'bearer ') {
      done(new AppError('unauthorized', 'Missing bearer token'), payload);
      return;
    }
    const token = header.slice(7).trim();
    if (sessions.cached(token)) {
      done(null, payload);
      return;
    }
    sessions.verify(token).then(
      () => done(null, payload),
      (error: unknown) => done(error as Error, payload),
    );
  };
}
