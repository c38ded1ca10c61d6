/**
 * Every deliberate difference between the emulator's contract checks and Intercom's published
 * OpenAPI description (2.14). Each entry says why; `applySpecExceptions` is the ONLY place the
 * loaded description is patched before validation.
 */
export interface OpenApiDoc {
  paths: Record<string, Record<string, OperationObject | unknown>>;
  components: { schemas: Record<string, SchemaObject> };
  [key: string]: unknown;
}
export interface OperationObject {
  operationId?: string;
  responses?: Record<string, unknown>;
  [key: string]: unknown;
}
export type SchemaObject = Record<string, unknown> & {
  properties?: Record<string, SchemaObject>;
  required?: string[];
};

export interface SpecException {
  id: string;
  reason: string;
  apply(doc: OpenApiDoc, servedOperationIds: ReadonlySet<string>): void;
}

function schema(doc: OpenApiDoc, name: string): SchemaObject {
  const s = doc.components.schemas[name];
  if (!s) throw new Error(`spec-exceptions: schema ${name} not found in the description`);
  return s;
}

function prop(s: SchemaObject, ...path: string[]): SchemaObject {
  let cur = s;
  for (const p of path) {
    const next = cur.properties?.[p];
    if (!next) throw new Error(`spec-exceptions: property ${path.join('.')} not found`);
    cur = next;
  }
  return cur;
}

/** Visits every object in the document (schemas are plain objects; cycles do not exist before dereferencing). */
function walk(node: unknown, visit: (o: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, visit);
  } else if (node && typeof node === 'object') {
    visit(node as Record<string, unknown>);
    for (const v of Object.values(node)) walk(v, visit);
  }
}

export const SPEC_EXCEPTIONS: readonly SpecException[] = [
  {
    id: 'nullable-without-type',
    reason:
      'Many schemas say `$ref: X` (or allOf) with a sibling `nullable: true`, e.g. conversation_part.assigned_to, ' +
      'ticket_part.assigned_to, conversation.ai_agent. OpenAPI 3.0 ignores $ref siblings and ajv refuses ' +
      "`nullable` without `type`, yet Intercom does send null there (the description's own examples show " +
      '`assigned_to: null`). Such schemas become `anyOf: [<schema>, {type: null}]`.',
    apply(doc) {
      walk(doc, (o) => {
        if (o.nullable === undefined || 'type' in o) return;
        if (o.nullable === false) {
          delete o.nullable; // meaningless without type (content_sources_list), and ajv rejects it
          return;
        }
        const { nullable: _n, description, ...rest } = o;
        for (const k of Object.keys(o)) delete o[k];
        if (description !== undefined) o.description = description;
        o.anyOf = [rest, { type: 'null' }];
      });
    },
  },
  {
    id: 'error-responses-everywhere',
    reason:
      'Intercom answers every operation with an error.list body on 400/404/409/422/429/500, but the ' +
      'description lists only some statuses per operation (e.g. no 404 on GET /tickets/{id}, no 409 ' +
      'on POST /contacts). A `default: error` response is added to each served operation so error ' +
      'bodies are still validated against the `error` schema.',
    apply(doc, served) {
      for (const item of Object.values(doc.paths)) {
        for (const op of Object.values(item)) {
          const o = op as OperationObject;
          if (!o || typeof o !== 'object' || !o.operationId || !served.has(o.operationId)) continue;
          o.responses = o.responses ?? {};
          o.responses.default = {
            description: 'error (spec-exception error-responses-everywhere)',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/error' } } },
          };
        }
      }
    },
  },
  {
    id: 'contact-id-not-uuid',
    reason:
      'create_conversation_request.from.id is declared `format: uuid`, but Intercom contact ids are ' +
      '24-hex-digit ids (the description\'s own examples: "6762f0d51bb69f9f2193bb7f"). The format is dropped.',
    apply(doc) {
      const id = prop(schema(doc, 'create_conversation_request'), 'from', 'id');
      delete id.format;
    },
  },
  {
    id: 'contact-quick-reply',
    reason:
      "replyConversation's own example contact_quick_reply_reply sends `message_type: quick_reply`, " +
      '`type: user` and `reply_options` without a body (the way a customer answers a quick reply), but ' +
      "contact_reply_base_request's message_type enum lists only `comment` and requires `body`. The enum " +
      'gains quick_reply and body is no longer required (the emulator still requires it for comments).',
    apply(doc) {
      const base = schema(doc, 'contact_reply_base_request');
      const messageType = prop(base, 'message_type');
      messageType.enum = [...((messageType.enum as string[] | undefined) ?? []), 'quick_reply'];
      base.required = (base.required ?? []).filter((name) => name !== 'body');
    },
  },
  {
    id: 'ticket-type-attribute-input-options-nullable',
    reason:
      'ticket_type_attribute.input_options is typed a non-null object, but Intercom answers null for ' +
      "attributes without options (string attributes such as _default_title_; the description's own " +
      'createTicket example shows `input_options:` empty). Marked nullable.',
    apply(doc) {
      prop(schema(doc, 'ticket_type_attribute'), 'input_options').nullable = true;
    },
  },
];

export function applySpecExceptions(doc: OpenApiDoc, served: ReadonlySet<string>): void {
  for (const e of SPEC_EXCEPTIONS) e.apply(doc, served);
}
