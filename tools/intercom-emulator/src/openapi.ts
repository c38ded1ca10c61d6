import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { load } from 'js-yaml';
import { OpenAPIBackend, type Document } from 'openapi-backend';
import addFormats from 'ajv-formats';
import { applySpecExceptions, type OpenApiDoc } from './spec-exceptions';

/** The Intercom operations the emulator serves: method, path template (as in the YAML), operationId. */
export const SERVED_OPERATIONS = [
  ['GET', '/admins', 'listAdmins'],
  ['POST', '/contacts', 'CreateContact'],
  ['POST', '/contacts/search', 'SearchContacts'],
  ['GET', '/contacts/{contact_id}', 'ShowContact'],
  ['PUT', '/contacts/{contact_id}', 'UpdateContact'],
  ['GET', '/contacts/find_by_external_id/{external_id}', 'ShowContactByExternalId'],
  ['POST', '/conversations', 'createConversation'],
  ['POST', '/conversations/search', 'searchConversations'],
  ['GET', '/conversations/{conversation_id}', 'retrieveConversation'],
  ['DELETE', '/conversations/{conversation_id}', 'deleteConversation'],
  ['POST', '/messages', 'createMessage'],
  ['PUT', '/conversations/{conversation_id}', 'updateConversation'],
  ['POST', '/conversations/{conversation_id}/reply', 'replyConversation'],
  ['POST', '/conversations/{conversation_id}/parts', 'manageConversation'],
  ['POST', '/conversations/{conversation_id}/tags', 'attachTagToConversation'],
  ['DELETE', '/conversations/{conversation_id}/tags/{tag_id}', 'detachTagFromConversation'],
  ['GET', '/data_attributes', 'lisDataAttributes'],
  ['POST', '/data_attributes', 'createDataAttribute'],
  ['PUT', '/data_attributes/{data_attribute_id}', 'updateDataAttribute'],
  ['GET', '/tags', 'listTags'],
  ['POST', '/tags', 'createTag'],
  ['GET', '/ticket_types', 'listTicketTypes'],
  ['GET', '/ticket_types/{ticket_type_id}', 'getTicketType'],
  ['GET', '/ticket_states', 'listTicketStates'],
  ['POST', '/tickets', 'createTicket'],
  ['POST', '/tickets/search', 'searchTickets'],
  ['GET', '/tickets/{ticket_id}', 'getTicket'],
  ['PUT', '/tickets/{ticket_id}', 'updateTicket'],
  ['POST', '/tickets/{ticket_id}/reply', 'replyTicket'],
] as const;

export type OperationId = (typeof SERVED_OPERATIONS)[number][2];

export const SPEC_PATH = resolve(process.env.INTERCOM_OPENAPI_PATH ?? resolve(__dirname, '../openapi/api.intercom.io.2.14.yaml'));

export interface ContractError {
  path: string;
  message: string;
}

export interface Contract {
  /** Validates an incoming request; null operationId = no served operation matches. */
  validateRequest(req: {
    method: string;
    path: string;
    query: Record<string, string | string[]>;
    headers: Record<string, string | string[]>;
    body: unknown;
  }): { operationId: string | null; errors: ContractError[] };
  validateResponse(operationId: string, status: number, body: unknown): ContractError[];
  /** Milliseconds spent loading YAML + building the (lazy) validator, once per process. */
  loadMs: number;
}

interface AjvLikeError {
  instancePath?: string;
  message?: string;
  params?: unknown;
}

function toErrors(errs: readonly AjvLikeError[] | null | undefined): ContractError[] {
  return (errs ?? []).map((e) => ({
    path: e.instancePath || '/',
    message: `${e.message ?? 'invalid'}${e.params ? ' ' + JSON.stringify(e.params) : ''}`,
  }));
}

let cached: Promise<Contract> | undefined;

/** Loads the description once per process (every emulator shares the lazily compiled validators). */
export function loadContract(): Promise<Contract> {
  cached ??= build();
  return cached;
}

async function build(): Promise<Contract> {
  const t0 = Date.now();
  const full = load(readFileSync(SPEC_PATH, 'utf8')) as OpenApiDoc;
  const served = new Set<string>(SERVED_OPERATIONS.map((o) => o[2]));
  // Only the served paths are kept: dereferencing and routing then touch a fraction of the file.
  const keep = new Set<string>(SERVED_OPERATIONS.map((o) => o[1]));
  const doc: OpenApiDoc = { ...full, paths: Object.fromEntries(Object.entries(full.paths).filter(([p]) => keep.has(p))) };
  applySpecExceptions(doc, served);
  const api = new OpenAPIBackend({
    definition: doc as unknown as Document,
    quick: true, // lazy validator compilation: only operations actually exercised get compiled
    strict: false,
    validate: true,
    customizeAjv: (ajv) => {
      addFormats(ajv);
      // `timestamp` is Intercom's own format name for Unix-seconds integers; nothing to check beyond the type.
      ajv.addFormat('timestamp', true);
      return ajv;
    },
  });
  await api.init();
  const loadMs = Date.now() - t0;
  const statuses = new Map<string, Set<string>>();
  for (const op of api.router.getOperations()) {
    if (op.operationId) statuses.set(op.operationId, new Set(Object.keys(op.responses ?? {})));
  }
  return {
    loadMs,
    validateRequest(req) {
      const op = api.router.matchOperation({ method: req.method, path: req.path, headers: req.headers });
      if (!op?.operationId) return { operationId: null, errors: [] };
      const res = api.validator.validateRequest(
        { method: req.method, path: req.path, query: req.query, headers: req.headers, body: req.body as never },
        op,
      );
      return { operationId: op.operationId, errors: toErrors(res.errors as AjvLikeError[] | null) };
    },
    validateResponse(operationId, status, body) {
      const declared = statuses.get(operationId);
      if (!declared) return [{ path: '/', message: `unknown operation ${operationId}` }];
      if (!declared.has(String(status)) && !declared.has('default')) {
        return [{ path: '/', message: `status ${status} not declared for ${operationId}` }];
      }
      return toErrors(api.validator.validateResponse(body, operationId, status).errors as AjvLikeError[] | null);
    },
  };
}
