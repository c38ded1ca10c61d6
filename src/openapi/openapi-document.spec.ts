import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from '../app.module';
import { loadConfig } from '../config/config';
import { SAFE_NOT_BLANK_PATTERN } from '../common/safe-text';
import { buildOpenApiDocument } from './openapi-document';

type Json = Record<string, any>;

// The document as served, built in Nest's preview mode (no database, nothing instantiated).
async function documentFor(env: Record<string, string> = {}): Promise<OpenAPIObject> {
  const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'error', ...env });
  const app = await NestFactory.create(AppModule.forRoot(config), new FastifyAdapter(), { preview: true, logger: false });
  try {
    return buildOpenApiDocument(app, config);
  } finally {
    await app.close();
  }
}

function operations(document: OpenAPIObject): { name: string; path: string; operation: Json }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item as Json).map(([method, operation]) => ({
      name: `${method.toUpperCase()} ${path}`,
      path,
      operation: operation as Json,
    })),
  );
}

describe('OpenAPI document', () => {
  let document: OpenAPIObject;
  beforeAll(async () => {
    document = await documentFor({ MAX_FILES_PER_MSG: '7' });
  });

  it('declares session security on every /api/* operation and none on public ones, with 401 exactly there', () => {
    for (const { name, path, operation } of operations(document)) {
      const isApi = path.startsWith('/api/');
      // The stream also takes a single-use ticket in the query (EventSource cannot send headers).
      const security = name === 'GET /api/events' ? [{ session: [] }, { streamTicket: [] }] : isApi ? [{ session: [] }] : [];
      expect({ name, security: operation.security }).toEqual({ name, security });
      if (isApi)
        expect({ name, statuses: Object.keys(operation.responses) }).toEqual({
          name,
          statuses: expect.arrayContaining(['401', '429', '500']),
        });
    }
    // Public routes that do not check a credential cannot answer 401.
    expect(document.paths['/health'].get!.responses['401']).toBeUndefined();
    expect(document.paths['/files/{id}'].get!.responses['401']).toBeUndefined();
  });

  it('makes every error response the ErrorEnvelope with X-Request-Id, 429 with Retry-After, every response with X-Request-Id', () => {
    for (const { name, operation } of operations(document)) {
      for (const [status, response] of Object.entries(operation.responses as Record<string, Json>)) {
        expect({ name, status, requestId: response.headers?.['X-Request-Id'] }).toEqual({
          name,
          status,
          requestId: { $ref: '#/components/headers/X-Request-Id' },
        });
        if (Number(status) >= 400 && !(name === 'GET /ready' && status === '503')) {
          expect({ name, status, body: response.content }).toEqual({
            name,
            status,
            body: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } },
          });
        }
      }
      if (operation.responses['429'])
        expect(operation.responses['429'].headers['Retry-After']).toEqual({ $ref: '#/components/headers/Retry-After' });
    }
    expect((document.components!.schemas!.ErrorEnvelope as Json).properties.error.enum).toEqual([
      'validation_error',
      'bad_request',
      'unauthorized',
      'forbidden',
      'not_found',
      'conflict',
      'payload_too_large',
      'unsupported_media_type',
      'rate_limited',
      'service_unavailable',
      'internal_error',
    ]);
  });

  it('says the constraints the server enforces', () => {
    const schemas = document.components!.schemas as Record<string, Json>;
    // The limit comes from MAX_FILES_PER_MSG, not from a compile-time ceiling.
    expect(schemas.ReplyDto.properties.attachmentIds).toMatchObject({ maxItems: 7, uniqueItems: true });
    expect(schemas.CreateConversationDto.properties.attachmentIds.maxItems).toBe(7);
    const upload = (document.paths['/api/files/upload'].post!.requestBody as Json).content['multipart/form-data'].schema;
    expect(upload.properties.file).toMatchObject({ minItems: 1, maxItems: 7 });
    // Unknown fields are refused by the validation pipe, except where a DTO accepts them.
    expect(schemas.ReplyDto.additionalProperties).toBe(false);
    expect(schemas.ConversationReasonDto.additionalProperties).toBe(false);
    expect(schemas.DiagnosticsDto.additionalProperties).toBeUndefined();
    expect(schemas.IntercomNotificationDto.additionalProperties).toBeUndefined();
    expect(schemas.CreateConversationDto.anyOf).toEqual([{ required: ['body'] }, { required: ['reason'] }]);
    expect(schemas.CreateCsatDto.anyOf).toEqual([{ required: ['ticketId'] }, { required: ['conversationId'] }]);
    expect(schemas.ReplyDto.properties.body).toMatchObject({ minLength: 1, maxLength: 10000, pattern: SAFE_NOT_BLANK_PATTERN });
    const since = document.paths['/api/conversations/{id}/poll'].get!.parameters!.find((parameter: Json) => parameter.name === 'since');
    expect(since).toMatchObject({ in: 'query', required: false, schema: { type: 'integer', minimum: 0 } });
    expect(JSON.stringify(document)).not.toContain('x-max-items-from');
  });

  // #15 item 3: the validation pipe refuses U+0000 and unpaired surrogates in every request string,
  // so no request string schema (body, path, query; a new one included) may admit them.
  it('gives every request string a pattern that refuses U+0000 and unpaired surrogates', () => {
    const schemas = document.components!.schemas as Record<string, Json>;
    const strings: { where: string; schema: Json }[] = [];
    const seen = new Set<unknown>();
    const collect = (node: Json | undefined, where: string): void => {
      if (!node || seen.has(node)) return;
      seen.add(node);
      if (node.$ref) return collect(schemas[String(node.$ref).split('/').pop()!], where);
      if (node.type === 'string' && !node.enum) strings.push({ where, schema: node });
      for (const [key, child] of Object.entries((node.properties ?? {}) as Record<string, Json>)) collect(child, `${where}.${key}`);
      for (const child of [node.items, ...(node.allOf ?? [])]) collect(child as Json | undefined, where);
    };
    for (const { name, operation } of operations(document)) {
      collect(operation.requestBody?.content?.['application/json']?.schema, `${name} body`);
      for (const parameter of (operation.parameters ?? []) as Json[]) {
        if (parameter.in !== 'header') collect(parameter.schema, `${name} ${parameter.name}`);
      }
    }
    expect(strings.length).toBeGreaterThan(30);
    for (const { where, schema } of strings) {
      const pattern = new RegExp(schema.pattern, 'u');
      expect({ where, admits: ['\u0000', 'a\u0000', '\uD800', 'b\uDFFF'].filter((probe) => pattern.test(probe)) }).toEqual({
        where,
        admits: [],
      });
    }
    expect(schemas.CreateConversationDto.properties.meta['x-safe-text']).toBe(true);
  });

  it('has no parameter that is not a real input (no leaked content-length header)', () => {
    for (const { name, operation } of operations(document)) {
      for (const parameter of (operation.parameters ?? []) as Json[]) {
        expect({ name, parameter: parameter.name }).not.toEqual({ name, parameter: 'content-length' });
      }
    }
  });
});
