import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { fetchAttachments } from './attachments';
import { controlRoutes } from './control';
import type { Ctx, Route } from './context';
import { ApiError, errorBody } from './errors';
import { Faults } from './faults';
import { loadContract, SERVED_OPERATIONS, type Contract } from './openapi';
import { Operator } from './operator';
import { RateLimits, type RateLimitOptions } from './rate-limits';
import { adminsAndTagsRoutes } from './routes-admins-tags';
import { contactsRoutes } from './routes-contacts';
import { conversationsRoutes } from './routes-conversations';
import { dataAttributesRoutes } from './routes-data-attributes';
import { messagesRoutes, startOutbound } from './routes-messages';
import { ticketsRoutes } from './routes-tickets';
import { Store } from './store';
import type { EmulatorControl, RequestLogEntry, Violation } from './types';
import { WebhookSender } from './webhooks';

export interface EmulatorOptions {
  port?: number; // 0 = random
  host?: string; // default 127.0.0.1
  webhookUrl?: string; // none = no delivery
  clientSecret?: string; // key of X-Hub-Signature
  appId?: string;
  ticketPrefix?: string; // ticket_id references: <prefix><n>, default "AW-"
  webhookRetryBaseMs?: number; // first redelivery delay, doubled each time (default 1000)
  webhookMaxAttempts?: number; // default 5
  webhookPingIntervalMs?: number; // a `ping` notification this often (0 = never, the default)
  webhookTimeoutMs?: number; // per delivery attempt (default 5000)
  validateRequests?: boolean; // record request violations (default true)
  validateResponses?: boolean; // record the emulator's own response violations (default false; on in its tests)
  // A new contact is missing from POST /contacts/search for this long (default 2000 ms; 0 = at once).
  // Intercom: "If a contact has recently been created, there is a possibility that it will not yet
  // be available when searching. [...] This delay can take a few minutes."
  searchLagMs?: number;
  // Intercom's per-app and per-workspace limits in 10-second windows (see rate-limits.ts).
  rateLimits?: RateLimitOptions;
  logger?: (msg: string) => void;
}

export interface RunningEmulator {
  url: string;
  port: number;
  close(): Promise<void>;
  control: EmulatorControl;
  state: Store;
  operator: Operator;
  contract: Contract;
}

const toFastify = (p: string) => p.replace(/\{(\w+)\}/g, ':$1');
const toTemplate = (p: string) => p.replace(/:(\w+)/g, '{$1}');
const opIds = new Map<string, string>(SERVED_OPERATIONS.map(([m, p, id]) => [`${m} ${p}`, id]));

export async function startIntercomEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const contract = await loadContract();
  const log = options.logger ?? (() => undefined);
  const store = new Store(options.ticketPrefix ?? 'AW-');
  const faults = new Faults();
  const rateLimits = new RateLimits(options.rateLimits);
  const webhooks = new WebhookSender({
    url: options.webhookUrl,
    clientSecret: options.clientSecret ?? 'emulator-client-secret',
    appId: options.appId ?? 'emul8r',
    retryBaseMs: options.webhookRetryBaseMs ?? 1000,
    maxAttempts: options.webhookMaxAttempts ?? 5,
    timeoutMs: options.webhookTimeoutMs ?? 5000,
    pingIntervalMs: options.webhookPingIntervalMs ?? 0,
    log,
  });
  const violations: Violation[] = [];
  const requests: RequestLogEntry[] = [];
  const entries = new WeakMap<FastifyRequest, RequestLogEntry>();
  let baseUrl = '';

  const ctx: Ctx = {
    store,
    searchLagMs: options.searchLagMs ?? 2000,
    baseUrl: () => baseUrl,
    emit: (topic, item) => webhooks.emit(topic, item),
    attachments: (urls, attachmentOptions) => fetchAttachments(store, baseUrl, urls, attachmentOptions),
  };

  const app = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: 25 * 1024 * 1024 });
  // Intercom tolerates an empty JSON body (e.g. DELETE with Content-Type: application/json).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(['application/json', '*'] as never, { parseAs: 'string' }, (_req, body, done) => {
    const s = String(body);
    if (!s.trim()) return done(null, undefined);
    try {
      done(null, JSON.parse(s));
    } catch {
      done(new ApiError(400, 'parameter_invalid', 'Request body is not valid JSON'), undefined);
    }
  });

  const opOf = (req: FastifyRequest): string | null => {
    const url = req.routeOptions.url;
    return url ? (opIds.get(`${req.method} ${toTemplate(url)}`) ?? null) : null;
  };
  const send = (req: FastifyRequest, reply: FastifyReply, status: number, body: unknown) => {
    const op = opOf(req);
    if (options.validateResponses && op) {
      const errors = contract.validateResponse(op, status, body);
      if (errors.length)
        violations.push({ kind: 'response', method: req.method, path: req.url, operationId: op, status, errors, at: Date.now() });
    }
    return reply.code(status).header('content-type', 'application/json; charset=utf-8').send(body);
  };
  const isControl = (req: FastifyRequest) => req.url.startsWith('/_emulator');

  app.addHook('onRequest', async (req, reply) => {
    if (isControl(req)) return;
    const path = req.url.split('?')[0];
    const url = req.routeOptions.url;
    const entry: RequestLogEntry = {
      method: req.method,
      path,
      route: url ? toTemplate(url) : null,
      operationId: opOf(req),
      status: null,
      at: Date.now(),
    };
    requests.push(entry);
    entries.set(req, entry);
    const fault = faults.take(req.method, path);
    if (fault) {
      if (fault.latencyMs) await new Promise((r) => setTimeout(r, fault.latencyMs));
      if (fault.hang) {
        const ac = new AbortController();
        req.raw.socket.once('close', () => ac.abort());
        await faults.hang(fault.id, ac.signal);
        if (ac.signal.aborted) return reply.hijack(); // the client gave up; nothing to answer
      }
      if (fault.status) {
        if (fault.status === 429) {
          // As Intercom answers a 429: the X-RateLimit-* headers, no Retry-After.
          const reset = Math.floor(Date.now() / 1000) + (fault.retryAfterSeconds ?? 10);
          reply.header('x-ratelimit-limit', '10000').header('x-ratelimit-remaining', '0').header('x-ratelimit-reset', String(reset));
        }
        const code = fault.status === 429 ? 'rate_limit_exceeded' : fault.status >= 500 ? 'server_error' : 'fault_injected';
        const message = fault.status === 429 ? 'You have exceeded the rate limit. Please try again later.' : 'Injected fault';
        return send(req, reply, fault.status, fault.body ?? errorBody(code, message));
      }
    }
    // Any bearer token is accepted, as long as there is one.
    const token = /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? '')?.[1];
    if (!token) return send(req, reply, 401, errorBody('unauthorized', 'Access Token Invalid'));
    // Only authenticated answers carry the rate-limit headers ("They are not sent when the request
    // has no valid credentials").
    const verdict = rateLimits.take(token);
    reply.headers(verdict.headers);
    if (!verdict.allowed) return send(req, reply, 429, errorBody('rate_limit_exceeded', verdict.message));
  });

  app.addHook('preHandler', async (req) => {
    if (isControl(req) || options.validateRequests === false) return;
    const path = req.url.split('?')[0];
    const { operationId, errors } = contract.validateRequest({
      method: req.method,
      path,
      query: req.query as Record<string, string>,
      headers: req.headers as Record<string, string>,
      body: req.body,
    });
    if (!operationId)
      violations.push({ kind: 'unknown_operation', method: req.method, path, operationId: null, errors: [], at: Date.now() });
    else if (errors.length) violations.push({ kind: 'request', method: req.method, path, operationId, errors, at: Date.now() });
  });

  app.addHook('onResponse', async (req, reply) => {
    const e = entries.get(req);
    if (e) e.status = reply.statusCode;
  });

  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    if (err instanceof ApiError) return send(req, reply, err.status, errorBody(err.code, err.message));
    if (err.statusCode && err.statusCode < 500) return send(req, reply, err.statusCode, errorBody('parameter_invalid', err.message));
    log(`internal error on ${req.method} ${req.url}: ${err.stack ?? err.message}`);
    return send(req, reply, 500, errorBody('server_error', 'Server Error'));
  });

  // (the preHandler hook has already recorded an unknown_operation violation)
  app.setNotFoundHandler((_req, reply) => {
    return reply.code(404).send(errorBody('not_found', 'Resource Not Found'));
  });

  const routes: Route[] = [
    ...adminsAndTagsRoutes(ctx),
    ...contactsRoutes(ctx),
    ...conversationsRoutes(ctx),
    ...ticketsRoutes(ctx),
    ...dataAttributesRoutes(ctx),
    ...messagesRoutes(ctx),
  ];
  for (const r of routes) {
    if (!opIds.has(`${r.method} ${r.path}`)) throw new Error(`route ${r.method} ${r.path} is not in SERVED_OPERATIONS`);
    app.route({
      method: r.method,
      url: toFastify(r.path),
      handler: async (req, reply) => {
        const [status, body] = await r.handler({
          params: req.params as Record<string, string>,
          query: req.query as Record<string, string>,
          body: (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>,
        });
        return send(req, reply, status, body);
      },
    });
  }

  const control: EmulatorControl = {
    outboundConversation: (contactId, body, deliveredAs = 'automated') => {
      const contact = store.contacts.get(contactId);
      const bot = store.admins.find((a) => a.isBot)!;
      if (!contact) throw new Error(`no contact ${contactId}`);
      return startOutbound(ctx, contact, bot, body, deliveredAs).id;
    },
    addFault: (spec) => faults.add(spec),
    clearFaults: (id) => faults.clear(id),
    faults: () => faults.all(),
    hangingRequests: () => faults.hanging(),
    requests: () => requests.map((r) => ({ ...r })),
    requestCounts: () => {
      const out: Record<string, number> = {};
      for (const r of requests) out[`${r.method} ${r.route ?? r.path}`] = (out[`${r.method} ${r.route ?? r.path}`] ?? 0) + 1;
      return out;
    },
    count: (method, p) => requests.filter((r) => r.method === method.toUpperCase() && (r.route === p || r.path === p)).length,
    resetRequests: () => void (requests.length = 0),
    violations: () => violations.map((v) => ({ ...v })),
    clearViolations: () => void (violations.length = 0),
    webhooks: () => ({ sent: [...webhooks.sent], deliveries: [...webhooks.log], pending: webhooks.pending() }),
    clearWebhooks: () => webhooks.clearLog(),
    setWebhookUrl: (url) => webhooks.setUrl(url),
    webhooksIdle: async (timeoutMs = 10_000) => {
      const until = Date.now() + timeoutMs;
      while (webhooks.pending() > 0) {
        if (Date.now() > until) throw new Error(`webhooks still pending after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    reset: () => {
      store.reset();
      faults.clear();
      requests.length = 0;
      violations.length = 0;
      webhooks.stop();
      webhooks.clearLog();
    },
  };
  controlRoutes(app, control, store);

  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (options.port ?? 0);
  const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log(`Intercom emulator listening on ${baseUrl}`);

  return {
    url: baseUrl,
    port,
    control,
    state: store,
    contract,
    operator: new Operator(baseUrl),
    close: async () => {
      webhooks.dispose();
      faults.clear(); // let hung requests finish so the server can close
      await app.close();
    },
  };
}
