import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

// Contract checks: every response a test receives from a BFF started by startTestApp is checked
// against the OpenAPI document that very server serves at /docs/json (status documented, body
// valid against the response's schema, the envelope's code one the response lists, X-Request-Id
// present, Retry-After on 429). Installed for every spec by test/helpers/contract-setup.ts.

type Json = Record<string, any>;

export interface Exchange {
  method: string;
  url: URL;
  status: number;
  headers: Headers;
  // undefined when the body was not read (an event stream).
  body: Buffer | undefined;
}

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  params: number;
  responses: Record<string, Json>;
}

// Served by the framework, not operations of the API: the Swagger UI and the document itself, and
// the Mini App's static files (/tma/).
const UNDOCUMENTED_PREFIXES = ['/docs', '/tma'];
const DOC_ID = 'openapi.json';

export class Contract {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, formats: { binary: true } });
  private readonly operations: Operation[];
  private readonly validators = new Map<object, ValidateFunction>();

  constructor(readonly document: Json) {
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: DOC_ID, components: { schemas: toJsonSchema(document.components?.schemas ?? {}) } });
    this.operations = Object.entries(document.paths as Record<string, Json>).flatMap(([template, item]) =>
      Object.entries(item)
        .filter(([method]) => ['get', 'put', 'post', 'delete', 'patch'].includes(method))
        .map(([method, operation]) => ({
          method: method.toUpperCase(),
          template,
          pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
          params: (template.match(/\{/g) ?? []).length,
          responses: (operation as Json).responses as Record<string, Json>,
        })),
    );
    // A literal segment wins over a parameter (/api/tickets/search before /api/tickets/{id}).
    this.operations.sort((a, b) => a.params - b.params);
  }

  // The mismatches of one response, each naming the route; [] when it conforms.
  check(exchange: Exchange): string[] {
    const { method, url } = exchange;
    if (method === 'OPTIONS' || method === 'HEAD') return [];
    if (UNDOCUMENTED_PREFIXES.some((prefix) => url.pathname === prefix || url.pathname.startsWith(`${prefix}/`))) return [];
    const operation = this.operations.find((candidate) => candidate.method === method && candidate.pattern.test(url.pathname));
    const route = operation ? `${method} ${operation.template}` : `${method} ${url.pathname} (no such operation)`;
    const problems = operation ? this.checkOperation(operation, exchange) : this.checkUnknownRoute(exchange);
    if (!exchange.headers.get('x-request-id')) problems.push('no X-Request-Id header');
    return problems.map((problem) => `${route} → ${exchange.status}: ${problem}`);
  }

  private checkOperation(operation: Operation, exchange: Exchange): string[] {
    const response = operation.responses[String(exchange.status)] ?? operation.responses[`${String(exchange.status)[0]}XX`];
    if (!response) return [`status ${exchange.status} is not documented (documented: ${Object.keys(operation.responses).join(', ')})`];
    const problems: string[] = [];
    if (exchange.status === 429 && !/^[1-9]\d*$/.test(exchange.headers.get('retry-after') ?? '')) {
      problems.push('429 without a Retry-After of whole seconds');
    }
    const content = response.content as Record<string, Json> | undefined;
    const contentType = exchange.headers.get('content-type') ?? '';
    if (!content) {
      if (exchange.body && exchange.body.length > 0) problems.push(`documented without a body, but it has ${exchange.body.length} bytes`);
      return problems;
    }
    const mediaType = Object.keys(content).find((candidate) => sameMediaType(candidate, contentType));
    if (!mediaType)
      return [...problems, `Content-Type "${contentType}" is not documented (documented: ${Object.keys(content).join(', ')})`];
    if (!isJson(mediaType) || exchange.body === undefined) return problems;
    let body: unknown;
    try {
      body = JSON.parse(exchange.body.toString('utf8'));
    } catch {
      return [...problems, 'the body is not valid JSON'];
    }
    const schema = content[mediaType].schema as Json | undefined;
    if (schema) problems.push(...this.validate(schema, body));
    const codes = response['x-error-codes'] as string[] | undefined;
    const code = (body as { error?: unknown } | null)?.error;
    if (codes && !codes.includes(code as string))
      problems.push(`error "${String(code)}" is not one this response lists (${codes.join(', ')})`);
    return problems;
  }

  // api.md: an unknown route is a 404 (401 under /api/ without a valid session), a known path with
  // another method may be a 405; always the envelope.
  private checkUnknownRoute(exchange: Exchange): string[] {
    const expected = exchange.url.pathname.startsWith('/api/') ? [401, 404] : [404];
    if (this.operations.some((operation) => operation.pattern.test(exchange.url.pathname))) expected.push(405);
    if (!expected.includes(exchange.status)) return [`status ${exchange.status} for a route the document does not have`];
    if (exchange.body === undefined) return [];
    try {
      return this.validate({ $ref: '#/components/schemas/ErrorEnvelope' }, JSON.parse(exchange.body.toString('utf8')));
    } catch {
      return ['the body is not the error envelope (not JSON)'];
    }
  }

  private validate(schema: Json, value: unknown): string[] {
    let validator = this.validators.get(schema);
    if (!validator) {
      validator = this.ajv.compile(toJsonSchema(schema) as Json);
      this.validators.set(schema, validator);
    }
    if (validator(value)) return [];
    return (validator.errors ?? []).map(
      (error) => `body${error.instancePath} ${error.message ?? 'is invalid'} ${JSON.stringify(error.params)}`,
    );
  }
}

const isJson = (mediaType: string): boolean => /^application\/(?:[\w.+-]*\+)?json/.test(mediaType);

function sameMediaType(documented: string, actual: string): boolean {
  const essence = (value: string) => value.split(';')[0].trim().toLowerCase();
  // A documented parameter (charset) must be sent as documented; an undocumented one is fine.
  return (
    essence(documented) === essence(actual) && (!documented.includes(';') || documented.replace(/\s/g, '') === actual.replace(/\s/g, ''))
  );
}

// OpenAPI 3.0 schema dialect → JSON Schema: `nullable: true` admits null (also beside allOf/$ref,
// which the 3.0 keyword cannot express on its own), and refs point into the added document.
export function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (typeof node !== 'object' || node === null) return node;
  const converted: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/')) converted.$ref = `${DOC_ID}${value}`;
    else if (key !== 'nullable') converted[key] = toJsonSchema(value);
  }
  return (node as Json).nullable === true ? { anyOf: [{ type: 'null' }, converted] } : converted;
}
