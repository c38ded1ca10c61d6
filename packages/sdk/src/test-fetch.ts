// A scripted fetch for the SDK's unit tests: every request must be expected (an unexpected one fails).
export interface Recorded {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

type Responder = (request: Recorded) => Response | Promise<Response>;

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

export const envelope = (status: number, error: string, headers: Record<string, string> = {}): Response =>
  jsonResponse(status, { error, message: `${error} happened`, requestId: `req-${status}` }, headers);

export class ScriptedFetch {
  readonly requests: Recorded[] = [];
  private readonly routes: { method: string; path: string; responders: Responder[]; fallback?: Responder }[] = [];

  // Answers the next requests to (method, path) with these responders in turn; the last one repeats.
  on(method: string, path: string, ...responders: Responder[]): this {
    this.routes.push({ method, path, responders: responders.slice(0, -1), fallback: responders.at(-1) });
    return this;
  }

  to(path: string): Recorded[] {
    return this.requests.filter((request) => request.path === path);
  }

  readonly fetch: typeof fetch = async (input, init = {}) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    let body: unknown = init.body;
    if (typeof init.body === 'string') body = headers['content-type'] === 'application/json' ? JSON.parse(init.body) : init.body;
    const request: Recorded = { method: init.method ?? 'GET', path: url.pathname + url.search, headers, body };
    this.requests.push(request);
    const route = this.routes.find((candidate) => candidate.method === request.method && candidate.path === url.pathname);
    if (!route?.fallback) throw new Error(`unexpected request ${request.method} ${request.path}`);
    const responder = route.responders.shift() ?? route.fallback;
    return responder(request);
  };
}

export const session =
  (token: string, expiresInMs = 3_600_000) =>
  () =>
    jsonResponse(200, { token, expiresAt: Date.now() + expiresInMs, userId: 'tg:1' });
