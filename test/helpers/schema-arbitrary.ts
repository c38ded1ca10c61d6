import fc, { type Arbitrary } from 'fast-check';
import { SAFE_NOT_BLANK_PATTERN, SAFE_TEXT_PATTERN } from '../../src/common/safe-text';
import { SAFE_TEXT_EXTENSION } from '../../src/openapi/schema.decorators';

// fast-check arbitraries from the OpenAPI 3.0 schemas the document serves: values a schema allows
// (`valid`) and, for request bodies, values it refuses (`invalidBody`). Written here because no
// maintained library fits: json-schema-fast-check has one release (0.0.6), built on fast-check 1
// and faker 4; json-schema-faker draws valid values only, from its own random source, so fast-check
// can neither replay nor shrink them. The document uses a small subset of JSON Schema, all of it
// handled below; an unknown keyword fails loudly rather than generating something untrue.

type Json = Record<string, any>;

const HANDLED = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'enum',
  'minimum',
  'maximum',
  'maxProperties',
  'nullable',
  'allOf',
  'anyOf',
  '$ref',
  'description',
  'example',
  'default',
  'title',
]);

const ASTRAL = '\u{1F600}'; // one code point, two UTF-16 units
// Any UTF-16 code point, U+0000 and lone surrogates included (what a careless client sends)...
const TEXT_UNIT = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom('\u0000', '\uD800', '\uDFFF') },
  { weight: 20, arbitrary: fc.integer({ min: 0, max: 0x10ffff }).map((code) => String.fromCodePoint(code)) },
);
// ...and text as SAFE_TEXT_PATTERN allows it: neither U+0000 nor a lone surrogate.
const SAFE_UNIT = fc
  .integer({ min: 1, max: 0x10ffff })
  .filter((code) => code < 0xd800 || code > 0xdfff)
  .map((code) => String.fromCodePoint(code));
// Patterns that allow any text but the unsafe: drawn from all of Unicode (fc.stringMatching would
// draw their negated classes from ASCII only).
const TEXT_PATTERNS = new Set([SAFE_TEXT_PATTERN, SAFE_NOT_BLANK_PATTERN]);
const UNSAFE_SAMPLES = ['\u0000', 'a\u0000b', '\uD800', 'x\uDC00'];

export class SchemaArbitraries {
  constructor(private readonly document: Json) {}

  resolve(schema: Json): Json {
    let resolved = schema;
    while (typeof resolved.$ref === 'string') {
      const path = resolved.$ref.replace(/^#\//, '').split('/');
      resolved = path.reduce<Json>((node, key) => node[key] as Json, this.document);
    }
    // allOf of one reference (how Nest writes a described or nullable $ref): that schema.
    if (Array.isArray(resolved.allOf) && resolved.allOf.length === 1) {
      const { allOf, ...rest } = resolved;
      return { ...this.resolve(allOf[0] as Json), ...rest };
    }
    return resolved;
  }

  // Any value the schema allows (null included when nullable), with its boundaries favoured.
  valid(input: Json, options: { nullable?: boolean } = {}): Arbitrary<unknown> {
    const schema = this.resolve(input);
    for (const key of Object.keys(schema)) {
      if (!HANDLED.has(key) && !key.startsWith('x-')) throw new Error(`schema-arbitrary: keyword "${key}" is not handled`);
    }
    const value = this.nonNull(schema);
    return schema.nullable === true && options.nullable !== false ? fc.oneof(value, fc.constant(null)) : value;
  }

  private nonNull(schema: Json): Arbitrary<unknown> {
    if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
    switch (schema.type) {
      case 'string':
        return this.string(schema);
      case 'integer':
        return fc.integer({ min: schema.minimum ?? Number.MIN_SAFE_INTEGER, max: schema.maximum ?? Number.MAX_SAFE_INTEGER });
      case 'number':
        return fc.double({ min: schema.minimum ?? -1e12, max: schema.maximum ?? 1e12, noNaN: true, noDefaultInfinity: true });
      case 'boolean':
        return fc.boolean();
      case 'array':
        return this.array(schema);
      case 'object':
      case undefined:
        return this.object(schema);
      default:
        throw new Error(`schema-arbitrary: type "${String(schema.type)}" is not handled`);
    }
  }

  private string(schema: Json): Arbitrary<string> {
    const min = (schema.minLength as number | undefined) ?? 0;
    const max = (schema.maxLength as number | undefined) ?? 200;
    const pattern = typeof schema.pattern === 'string' ? new RegExp(schema.pattern, 'u') : undefined;
    const fits = (text: string) => [...text].length >= min && [...text].length <= max && (!pattern || pattern.test(text));
    if (schema.format === 'uuid') return fc.uuid().filter(fits);
    const unicode = (unit: Arbitrary<string>) => fc.string({ unit, minLength: min, maxLength: Math.min(max, 64) }).filter(fits);
    const base = !pattern
      ? unicode(TEXT_UNIT)
      : TEXT_PATTERNS.has(schema.pattern as string)
        ? unicode(SAFE_UNIT)
        : fc.stringMatching(pattern).filter(fits);
    // The boundaries, in code points (an astral character is two UTF-16 units) and in ASCII.
    const edges = [ASTRAL.repeat(max), 'x'.repeat(max), ASTRAL.repeat(Math.max(min, 1)), 'a'.repeat(min)].filter(fits);
    return edges.length > 0 ? fc.oneof({ weight: 4, arbitrary: base }, { weight: 1, arbitrary: fc.constantFrom(...edges) }) : base;
  }

  private array(schema: Json): Arbitrary<unknown[]> {
    const items = this.valid(schema.items as Json);
    const constraints = { minLength: schema.minItems ?? 0, maxLength: schema.maxItems ?? 5 };
    return schema.uniqueItems
      ? fc.uniqueArray(items, { ...constraints, selector: (value) => JSON.stringify(value) })
      : fc.array(items, constraints);
  }

  private object(schema: Json): Arbitrary<Json> {
    const properties = (schema.properties ?? {}) as Record<string, Json>;
    const required = (schema.required ?? []) as string[];
    const shapes = Object.fromEntries(Object.entries(properties).map(([key, property]) => [key, this.valid(property)]));
    const extra = schema.additionalProperties;
    if (extra === undefined || extra === false || Object.keys(properties).length > 0) {
      return this.withAlternatives(schema, fc.record(shapes, { requiredKeys: required }));
    }
    // A map: additionalProperties is the value schema (true = any JSON, whose text is safe when the
    // schema says x-safe-text).
    const unit = schema[SAFE_TEXT_EXTENSION] === true ? SAFE_UNIT : TEXT_UNIT;
    const values = extra === true ? fc.jsonValue({ maxDepth: 2, stringUnit: unit }) : this.valid(extra as Json);
    return fc.dictionary(fc.string({ unit, minLength: 1, maxLength: 20 }), values, { maxKeys: schema.maxProperties ?? 5 });
  }

  // anyOf of `required` lists (at least one of several fields): generate within one branch.
  private withAlternatives(schema: Json, known: Arbitrary<Json>): Arbitrary<Json> {
    const branches = (schema.anyOf ?? []) as Json[];
    if (branches.length === 0) return known;
    return fc
      .constantFrom(...branches)
      .chain((branch) => this.object({ ...schema, anyOf: undefined, required: [...(schema.required ?? []), ...(branch.required ?? [])] }));
  }

  // A JSON body the schema refuses, each kind of refusal the server must notice.
  invalidBody(input: Json): Arbitrary<unknown> {
    const schema = this.resolve(input);
    const properties = (schema.properties ?? {}) as Record<string, Json>;
    const valid = this.valid(schema, { nullable: false }) as Arbitrary<Json>;
    // A whole-body null included: it is not an empty object (#15), even for optional-only bodies.
    const mutations: Arbitrary<unknown>[] = [fc.constantFrom<unknown>(null, [], 42, 'text', true)];
    if (schema.additionalProperties === false) mutations.push(valid.map((body) => ({ ...body, unexpectedField: 1 })));
    for (const key of (schema.required ?? []) as string[]) {
      mutations.push(
        valid.map((body) => {
          const { [key]: _removed, ...rest } = body;
          return rest;
        }),
      );
    }
    for (const [key, property] of Object.entries(properties)) {
      const wrong = this.wrongValue(this.resolve(property));
      if (wrong) mutations.push(fc.tuple(valid, wrong).map(([body, value]) => ({ ...body, [key]: value })));
    }
    return fc.oneof(...mutations);
  }

  // A value of the wrong type or beyond a limit for one property.
  private wrongValue(schema: Json): Arbitrary<unknown> | undefined {
    const options: unknown[] = [];
    if (schema.nullable !== true) options.push(null);
    if (schema.type === 'string') {
      options.push(12345, ['array']);
      if (typeof schema.maxLength === 'number') options.push('x'.repeat(schema.maxLength + 1));
      if (typeof schema.minLength === 'number' && schema.minLength > 0) options.push('a'.repeat(schema.minLength - 1));
      if (Array.isArray(schema.enum)) options.push('not-one-of-them');
      if (typeof schema.pattern === 'string') {
        const pattern = new RegExp(schema.pattern, 'u');
        options.push(...UNSAFE_SAMPLES.filter((sample) => !pattern.test(sample)));
      }
    } else if (schema.type === 'integer' || schema.type === 'number') {
      options.push('7', true);
      if (schema.type === 'integer') options.push(1.5);
      if (typeof schema.minimum === 'number') options.push(schema.minimum - 1);
      if (typeof schema.maximum === 'number') options.push(schema.maximum + 1);
    } else if (schema.type === 'boolean') {
      options.push('true', 1);
    } else if (schema.type === 'array') {
      options.push('not-an-array', { not: 'an array' });
      if (typeof schema.maxItems === 'number') options.push(Array.from({ length: schema.maxItems + 1 }, (_, index) => `item-${index}`));
    } else if (schema.type === 'object' || schema.properties) {
      options.push('not-an-object', [1, 2]);
      if (schema[SAFE_TEXT_EXTENSION] === true) options.push({ key: 'a\u0000' }, { ['\uD800']: 'value' }, { list: ['\u0000'] });
    }
    return options.length > 0 ? fc.constantFrom(...options) : undefined;
  }
}
