import type { OpenAPIObject } from '@nestjs/swagger';
import { loadConfig } from '../config/config';
import { SAFE_TEXT_PATTERN } from '../common/safe-text';
import { finishDocument, type RouteFacts } from './finish-document';

type Json = Record<string, any>;

const documentWith = (operation: Json): OpenAPIObject =>
  ({
    openapi: '3.0.0',
    info: { title: 't', version: '1' },
    paths: { '/api/x': { get: { operationId: 'X_get', ...operation } } },
  }) as unknown as OpenAPIObject;

const finish = (operation: Json, facts: RouteFacts) =>
  (finishDocument(documentWith(operation), new Map([['X_get', facts]]), loadConfig({ NODE_ENV: 'development' })).paths['/api/x'] as Json)
    .get as Json;

describe('finishDocument', () => {
  it('declares the own credential of a public route that checks one itself, with its 401 and no per-user 429', () => {
    const operation = finish(
      { responses: { 200: { description: '' } } },
      { isPublic: true, errors: [], ownAuth: [{ session: [] }, { ticket: [] }] },
    );
    expect(operation.security).toEqual([{ session: [] }, { ticket: [] }]);
    expect(Object.keys(operation.responses).sort()).toEqual(['200', '401', '408', '414', '431', '500']);
  });

  it('documents on every operation what the HTTP layer answers before a route (408, 414, 431), as bad_request envelopes', () => {
    const operation = finish({ responses: { 200: { description: '' } } }, { isPublic: true, errors: [] });
    for (const status of ['408', '414', '431']) {
      expect(operation.responses[status]).toMatchObject({
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } },
        headers: { 'X-Request-Id': expect.any(Object) },
        'x-error-codes': ['bad_request'],
      });
    }
    expect(operation.responses['414'].description).toContain('MAX_URL_LENGTH');
  });

  it("turns a bare error response declared with Nest's decorators into the envelope with its status's codes", () => {
    const operation = finish(
      { responses: { 200: { description: '' }, 400: { description: 'lastEventId is not an integer' } } },
      { isPublic: false, errors: [] },
    );
    expect(operation.responses['400']).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } },
      'x-error-codes': ['validation_error', 'bad_request'],
    });
    expect(operation.responses['400'].description).toContain('lastEventId is not an integer');
  });

  it('fails loudly for an operation it has no route metadata for', () => {
    expect(() => finishDocument(documentWith({ responses: {} }), new Map(), loadConfig({ NODE_ENV: 'development' }))).toThrow(
      'no route metadata for operation X_get',
    );
  });

  describe('request text (#15 item 3)', () => {
    const facts: RouteFacts = { isPublic: false, errors: [] };
    const withQuery = (schema: Json) => ({ parameters: [{ name: 'q', in: 'query', schema }], responses: { 200: { description: '' } } });

    it('gives a request string without a pattern the safe-text pattern, and documents the 400', () => {
      const operation = finish(withQuery({ type: 'string' }), facts);
      expect(operation.parameters[0].schema.pattern).toBe(SAFE_TEXT_PATTERN);
      expect(operation.responses['400']['x-error-codes']).toContain('validation_error');
    });

    it('refuses a pattern that admits U+0000 or an unpaired surrogate', () => {
      expect(() => finish(withQuery({ type: 'string', pattern: '\\S' }), facts)).toThrow('admits U+0000');
      expect(() => finish(withQuery({ type: 'string', pattern: '^[^\\u0000]*$' }), facts)).toThrow('admits U+0000');
      expect(finish(withQuery({ type: 'string', pattern: '^[a-z]+$' }), facts).parameters[0].schema.pattern).toBe('^[a-z]+$');
    });

    it('makes a free-form request object say whether its text is refused or cleaned', () => {
      const freeForm = (extra: Json) => withQuery({ type: 'object', additionalProperties: true, ...extra });
      expect(() => finish(freeForm({}), facts)).toThrow('must declare x-safe-text');
      expect(() => finish(freeForm({ 'x-safe-text': true }), facts)).not.toThrow();
    });
  });
});
