import type { OpenAPIObject } from '@nestjs/swagger';
import { ERROR_CODES, type ErrorCode, STATUS_BY_CODE } from '../common/errors';
import type { AppConfig } from '../config/config';
import { SAFE_TEXT_PATTERN } from '../common/safe-text';
import type { DeclaredError } from './api-errors.decorator';
import {
  CONFIG_ENUM,
  CONFIG_LIMIT,
  type ConfigEnum,
  type ConfigLimit,
  ONE_OF_REQUIRED,
  OPEN_SCHEMAS,
  SAFE_TEXT_EXTENSION,
} from './schema.decorators';

// @nestjs/swagger exports the document type but not its parts.
type OperationObject = NonNullable<OpenAPIObject['paths'][string]['get']>;
type ResponseObject = Exclude<NonNullable<OperationObject['responses'][string]>, { $ref: string }>;
type Schema = Record<string, unknown> & { type?: string; additionalProperties?: unknown; maxItems?: number };

export interface RouteFacts {
  isPublic: boolean;
  errors: DeclaredError[];
  // Security of a public route that checks a credential itself.
  ownAuth?: Record<string, string[]>[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
// Methods whose body Fastify parses (so a malformed or oversize one is answered 400/413).
const BODY_METHODS = new Set(['put', 'post', 'delete', 'patch']);

// api.md › Conventions, the "when" column: used where a route does not say more.
const WHEN: Record<ErrorCode, string> = {
  validation_error: 'body, query or path fails the schema (the message names the field)',
  bad_request:
    'malformed JSON, a body that is not a JSON object (null included), nested deeper than JSON_MAX_DEPTH, a Content-Type the route does not take (only application/json; multipart/form-data on the upload), or an otherwise unusable request',
  unauthorized: 'missing, invalid, expired or wrong-algorithm session token',
  forbidden: 'authenticated but not allowed',
  not_found: 'does not exist or is not yours (indistinguishable)',
  conflict: 'state conflict',
  payload_too_large: 'request body over its cap',
  unsupported_media_type: 'content not on the allow-list',
  rate_limited:
    'per-user request limit, or the Intercom calls one user may cause (INTERCOM_USER_CALLS_PER_MIN), reached; retry after Retry-After seconds',
  service_unavailable: 'Intercom (or file storage) down, timing out, or its circuit open',
  internal_error: 'unexpected; nothing internal leaks',
};

const SUCCESS_DESCRIPTION: Record<string, string> = { '200': 'OK', '201': 'Created', '204': 'No content', '302': 'Found (redirect)' };

const REQUEST_ID_HEADER = { $ref: '#/components/headers/X-Request-Id' };
const RETRY_AFTER_HEADER = { $ref: '#/components/headers/Retry-After' };
const ENVELOPE = { $ref: '#/components/schemas/ErrorEnvelope' };

export function finishDocument(document: OpenAPIObject, facts: Map<string, RouteFacts>, config: AppConfig): OpenAPIObject {
  document.components ??= {};
  document.components.headers = {
    ...document.components.headers,
    'X-Request-Id': {
      description: "The request's id: the client's own X-Request-Id when it is sane (1-128 of A-Z a-z 0-9 . _ : -), else a new UUID",
      schema: { type: 'string' },
    },
    'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 1 } },
  };
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const route = facts.get(operation.operationId ?? '');
      if (!route) throw new Error(`OpenAPI: no route metadata for operation ${operation.operationId}`);
      finishOperation(operation, method, route, config);
    }
  }
  const limits: Record<ConfigLimit, number> = { MAX_FILES_PER_MSG: config.files.maxFilesPerMessage };
  const lists: Record<ConfigEnum, string[] | undefined> = { CONVERSATION_TOPICS: config.conversations.topics };
  walkSchemas(document, (schema) => {
    applyConfigLimit(schema, limits);
    applyConfigEnum(schema, lists);
  });
  closeRequestSchemas(document);
  requireSafeText(document);
  return document;
}

function finishOperation(operation: OperationObject, method: string, route: RouteFacts, config: AppConfig): void {
  operation.security = route.ownAuth ?? (route.isPublic ? [] : [{ session: [] }]);
  const errors = new Map<ErrorCode, string>();
  const add = (code: ErrorCode, when?: string) => errors.set(code, when ?? errors.get(code) ?? WHEN[code]);
  if (!route.isPublic) {
    add('unauthorized');
    add('rate_limited');
  } else if (route.ownAuth) {
    add('unauthorized');
  }
  if (BODY_METHODS.has(method)) {
    add('bad_request');
    add(
      'payload_too_large',
      `request body over its cap (BODY_LIMIT_BYTES, default ${config.bodyLimitBytes} bytes, unless the route says otherwise), or a JSON body with more than JSON_MAX_KEYS (${config.json.maxKeys}) keys and array items`,
    );
  }
  // The router refuses a path parameter that is not valid percent-encoding.
  if ((operation.parameters ?? []).some((parameter) => 'in' in parameter && parameter.in === 'path'))
    add('bad_request', errors.get('bad_request') ?? 'a path parameter that is not valid URL encoding');
  if (operation.requestBody && 'content' in operation.requestBody && operation.requestBody.content['application/json'])
    add('validation_error');
  // Path and query strings are inputs too: U+0000 or an unpaired surrogate in one is refused.
  if ((operation.parameters ?? []).some((parameter) => 'in' in parameter && parameter.in !== 'header')) add('validation_error');
  for (const declared of route.errors) {
    if (typeof declared === 'string') add(declared);
    else add(declared[0], declared[1]);
  }
  add('internal_error');

  // An error response declared with Nest's own decorators (@ApiBadRequestResponse…) and no body
  // is still the envelope: its status's codes, its description as the route's "when".
  for (const [status, response] of Object.entries(operation.responses) as [string, ResponseObject][]) {
    if (Number(status) < 400 || 'content' in response || '$ref' in response) continue;
    for (const code of ERROR_CODES) if (STATUS_BY_CODE[code] === Number(status)) add(code, response.description || undefined);
  }
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errors.keys()) byStatus.set(STATUS_BY_CODE[code], [...(byStatus.get(STATUS_BY_CODE[code]) ?? []), code]);
  for (const [status, codes] of byStatus) {
    operation.responses[String(status)] = {
      description: codes.map((code) => `\`${code}\`: ${errors.get(code)}`).join('; '),
      headers:
        status === 429 ? { 'X-Request-Id': REQUEST_ID_HEADER, 'Retry-After': RETRY_AFTER_HEADER } : { 'X-Request-Id': REQUEST_ID_HEADER },
      content: { 'application/json': { schema: ENVELOPE } },
      'x-error-codes': codes,
    } as ResponseObject;
  }
  // What the HTTP layer answers for any operation, before a route is chosen (src/common/http-layer.ts).
  const httpLayer: [number, string][] = [
    [408, 'the request (line, headers and body) was not received within REQUEST_TIMEOUT_MS'],
    [414, `the URL is longer than MAX_URL_LENGTH (default ${config.http.maxUrlLength}) characters`],
    [431, `the request line and headers are over MAX_HEADER_BYTES (default ${config.http.maxHeaderBytes}) bytes`],
  ];
  for (const [status, when] of httpLayer) {
    operation.responses[String(status)] = {
      description: `\`bad_request\`: ${when}`,
      headers: { 'X-Request-Id': REQUEST_ID_HEADER },
      content: { 'application/json': { schema: ENVELOPE } },
      'x-error-codes': ['bad_request'],
    } as ResponseObject;
  }
  for (const [status, response] of Object.entries(operation.responses) as [string, ResponseObject][]) {
    if ('$ref' in response) continue;
    if (!response.description) response.description = SUCCESS_DESCRIPTION[status] ?? 'Response';
    response.headers = { 'X-Request-Id': REQUEST_ID_HEADER, ...response.headers };
  }
  operation.responses = Object.fromEntries(Object.entries(operation.responses).sort(([a], [b]) => a.localeCompare(b)));
}

function applyConfigLimit(schema: Schema, limits: Record<ConfigLimit, number>): void {
  const limit = schema[CONFIG_LIMIT] as ConfigLimit | undefined;
  if (!limit) return;
  schema.maxItems = limits[limit];
  delete schema[CONFIG_LIMIT];
}

function applyConfigEnum(schema: Schema, lists: Record<ConfigEnum, string[] | undefined>): void {
  const list = schema[CONFIG_ENUM] as ConfigEnum | undefined;
  if (!list) return;
  const values = lists[list];
  if (values) schema.enum = [...values];
  delete schema[CONFIG_ENUM];
}

// Visits every schema object in the document (components, parameters, bodies, responses).
function walkSchemas(document: OpenAPIObject, visit: (schema: Schema) => void): void {
  const seen = new Set<unknown>();
  const walk = (node: unknown): void => {
    if (typeof node !== 'object' || node === null || seen.has(node)) return;
    seen.add(node);
    if (!Array.isArray(node)) visit(node as Schema);
    for (const value of Object.values(node)) walk(value);
  };
  walk(document.paths);
  walk(document.components);
}

// The global validation pipe refuses unknown fields (forbidNonWhitelisted), so every schema a JSON
// request body reaches says additionalProperties: false, unless its DTO is @AcceptsUnknownFields().
function closeRequestSchemas(document: OpenAPIObject): void {
  const schemas = (document.components?.schemas ?? {}) as Record<string, Schema>;
  const reached = new Set<string>();
  const follow = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref === 'string') {
      const name = ref.replace('#/components/schemas/', '');
      if (reached.has(name)) return;
      reached.add(name);
      follow(schemas[name]);
      return;
    }
    for (const value of Object.values(node)) follow(value);
  };
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const body = item[method]?.requestBody;
      if (body && 'content' in body) follow(body.content['application/json']?.schema);
    }
  }
  for (const [name, fields] of ONE_OF_REQUIRED) {
    if (schemas[name]) schemas[name].anyOf = fields.map((field) => ({ required: [field] }));
  }
  for (const name of reached) {
    const schema = schemas[name];
    if (schema && !OPEN_SCHEMAS.has(name) && schema.type === 'object' && schema.additionalProperties === undefined) {
      schema.additionalProperties = false;
    }
  }
}

const UNSAFE_PROBES = ['\u0000', 'a\u0000', '\uD800', 'a\uDC00b'];

// The server refuses U+0000 and unpaired surrogates in every request string (the global validation
// pipe); the document says so: a string without a pattern gets SAFE_TEXT_PATTERN, a pattern that
// admits them is a mistake in its DTO, and an object with free keys (a map, or any JSON) must say
// which rule it follows.
function requireSafeText(document: OpenAPIObject): void {
  const schemas = (document.components?.schemas ?? {}) as Record<string, Schema>;
  const seen = new Set<unknown>();
  const visit = (node: unknown, where: string): void => {
    if (typeof node !== 'object' || node === null || seen.has(node)) return;
    seen.add(node);
    const schema = node as Schema & Record<string, unknown>;
    if (typeof schema.$ref === 'string') {
      const name = schema.$ref.replace('#/components/schemas/', '');
      return visit(schemas[name], name);
    }
    if (schema.type === 'string' && !Array.isArray(schema.enum)) {
      if (typeof schema.pattern !== 'string') schema.pattern = SAFE_TEXT_PATTERN;
      const pattern = new RegExp(schema.pattern as string, 'u');
      if (UNSAFE_PROBES.some((probe) => pattern.test(probe))) {
        throw new Error(`OpenAPI: the pattern of ${where} admits U+0000 or unpaired surrogates (see common/safe-text.ts)`);
      }
    }
    // Keys are text too, and OpenAPI 3.0 has no propertyNames to restrict them with.
    const openKeys = schema.additionalProperties !== undefined && schema.additionalProperties !== false;
    if (openKeys && typeof schema[SAFE_TEXT_EXTENSION] !== 'boolean') {
      throw new Error(`OpenAPI: the free-form object ${where} must declare ${SAFE_TEXT_EXTENSION}`);
    }
    for (const [key, child] of Object.entries((schema.properties ?? {}) as Record<string, unknown>)) visit(child, `${where}.${key}`);
    for (const key of ['items', 'additionalProperties'] as const) visit(schema[key], `${where}.${key}`);
    for (const key of ['allOf', 'anyOf', 'oneOf'] as const)
      for (const child of (schema[key] as unknown[] | undefined) ?? []) visit(child, where);
  };
  for (const [template, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const body = operation.requestBody;
      if (body && 'content' in body) visit(body.content['application/json']?.schema, `${method} ${template} body`);
      for (const parameter of operation.parameters ?? []) {
        if ('in' in parameter && parameter.in !== 'header') visit(parameter.schema, `${method} ${template} ${parameter.name}`);
      }
    }
  }
}
