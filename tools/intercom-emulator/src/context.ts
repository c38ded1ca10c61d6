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
  baseUrl(): string;
  emit(topic: string, item: Record<string, unknown>): void;
  attachments(urls: unknown): Promise<Attachment[]>;
}

/** Plain text becomes <p>…</p> HTML as Intercom stores it; HTML is kept as sent. */
export function toHtml(body: unknown): string {
  const s = typeof body === 'string' ? body : '';
  if (/<[a-z][\s\S]*>/i.test(s)) return s;
  const esc = s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return esc
    .split(/\n{2,}/)
    .map((p) => `<p>${p.replace(/\n/g, '<br>')}</p>`)
    .join('');
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}
