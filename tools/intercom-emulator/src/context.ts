import type { Attachment, Store } from './store';

export interface RouteRequest {
  params: Record<string, string>;
  query: Record<string, string>;
  body: Record<string, unknown>;
}

export type RouteResult = [status: number, body: unknown];

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path template as in the OpenAPI description, e.g. /conversations/{conversation_id}. */
  path: string;
  handler: (req: RouteRequest) => RouteResult | Promise<RouteResult>;
}

/** What route modules get from the server: state, webhook emission, attachment download. */
export interface Ctx {
  store: Store;
  /** How long a new contact stays out of search results (ms). */
  searchLagMs: number;
  baseUrl(): string;
  emit(topic: string, item: Record<string, unknown>): void;
  attachments(urls: unknown, options?: { imagesOnly?: boolean }): Promise<Attachment[]>;
}

/** Plain text becomes <p>…</p> HTML as Intercom stores it; HTML is kept as sent. */
export function toHtml(body: unknown): string {
  const s = typeof body === 'string' ? body : '';
  if (/<[a-z][\s\S]*>/i.test(s)) return s;
  return plainTextToHtml(s);
}

/**
 * A body that takes no HTML (create_conversation_request.body: "The content of the message. HTML
 * is not supported."): every character is text, so tags and entities sent there are shown as typed.
 */
export function plainTextToHtml(body: unknown): string {
  const s = typeof body === 'string' ? body : '';
  const esc = s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return esc
    .split(/\n{2,}/)
    .map((p) => `<p>${p.replace(/\n/g, '<br>')}</p>`)
    .join('');
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}
