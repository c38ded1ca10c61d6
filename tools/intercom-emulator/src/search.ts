import { badRequest } from './errors';

/** Intercom's search query language: single filters and nested AND/OR groups. */
export interface Filter {
  field?: string;
  operator?: string;
  value?: unknown;
}

type Fields = Record<string, unknown>;

function cmp(actual: unknown, op: string, value: unknown): boolean {
  // Array-valued fields (contact_ids, tag_ids) match when any element matches.
  if (Array.isArray(actual)) {
    if (op === '!=' || op === 'NIN') return actual.every((a) => cmp(a, op, value));
    return actual.some((a) => cmp(a, op, value));
  }
  const a = actual === null || actual === undefined ? actual : typeof actual === 'number' ? actual : String(actual);
  const v = typeof a === 'number' && typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  switch (op) {
    case '=':
      return a === v || (v === null && a === undefined) || String(a) === String(v);
    case '!=':
      return !cmp(actual, '=', value);
    case 'IN':
      return Array.isArray(value) && value.some((x) => cmp(actual, '=', x));
    case 'NIN':
      return !cmp(actual, 'IN', value);
    case '<':
      return typeof a === 'number' && a < Number(v);
    case '<=':
      return typeof a === 'number' && a <= Number(v);
    case '>':
      return typeof a === 'number' && a > Number(v);
    case '>=':
      return typeof a === 'number' && a >= Number(v);
    case '~':
      return typeof a === 'string' && a.toLowerCase().includes(String(v).toLowerCase());
    case '!~':
      return !cmp(actual, '~', value);
    case '^':
      return typeof a === 'string' && a.startsWith(String(v));
    case '$':
      return typeof a === 'string' && a.endsWith(String(v));
    default:
      throw badRequest(`Operator ${op} is not supported`);
  }
}

export function matches(fields: Fields, q: Filter | undefined): boolean {
  if (!q || typeof q !== 'object') throw badRequest('query is required', 'parameter_not_found');
  if (q.operator === 'AND' || q.operator === 'OR') {
    const subs = Array.isArray(q.value) ? (q.value as Filter[]) : [];
    return q.operator === 'AND' ? subs.every((s) => matches(fields, s)) : subs.some((s) => matches(fields, s));
  }
  if (!q.field || !q.operator) throw badRequest('Each filter needs field, operator and value');
  return cmp(fields[q.field], q.operator, q.value);
}

/** Cursor pagination as Intercom answers it; the cursor is an opaque offset. */
export function paginate<T>(items: T[], pagination: { per_page?: number; starting_after?: string | null } | undefined) {
  const perPage = Math.min(Math.max(Number(pagination?.per_page ?? 20) || 20, 1), 150);
  const offset = pagination?.starting_after ? Number(Buffer.from(pagination.starting_after, 'base64url').toString()) || 0 : 0;
  const page = items.slice(offset, offset + perPage);
  const totalPages = Math.max(1, Math.ceil(items.length / perPage));
  const pages: Record<string, unknown> = {
    type: 'pages',
    page: Math.floor(offset / perPage) + 1,
    per_page: perPage,
    total_pages: totalPages,
  };
  if (offset + perPage < items.length) {
    pages.next = { per_page: perPage, starting_after: Buffer.from(String(offset + perPage)).toString('base64url') };
  }
  return { page, total_count: items.length, pages };
}
