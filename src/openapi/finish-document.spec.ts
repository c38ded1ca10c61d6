import type { OpenAPIObject } from '@nestjs/swagger';
import { loadConfig } from '../config/config';
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
    expect(Object.keys(operation.responses).sort()).toEqual(['200', '401', '500']);
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
});
