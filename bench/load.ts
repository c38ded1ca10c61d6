// Runs one load in its own process (so the load generator does not share the server's CPU
// accounting) and prints the result as JSON. Input: a JSON argument.
// - Throughput (no `rate`): autocannon, closed loop, as many requests as the server answers.
// - Fixed rate (`rate`): our own open-loop pacer, one request every 1000/rate ms, each latency
//   measured from the moment the request was due. autocannon's rate mode is not used for this: it
//   sends each connection's per-second quota back to back at the top of every second (a burst, not
//   a rate), and its coordinated-omission correction takes 1/rate seconds as the expected interval
//   in milliseconds, adding a synthetic sample for every millisecond of any response over 1 ms.
import { createHmac, randomUUID } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import autocannon from 'autocannon';

interface LoadSpec {
  url: string;
  connections: number;
  duration: number;
  headers?: Record<string, string>;
  // Requests per second, evenly spaced (open loop); omit for maximum throughput.
  rate?: number;
  // Signed Intercom webhooks, a fresh notification id per request: `conversation.admin.noted`
  // events, so every acknowledgement includes the durable insert (then processing: no push).
  webhookSecret?: string;
  // With webhookSecret: operator replies (`conversation.admin.replied`) to the stream phase's users
  // instead, request i to user i % users, and each ack's time on the machine's shared clock
  // (performance.timeOrigin + performance.now(), comparable across processes) in `acks`.
  replies?: { users: number; run: string };
}

export interface LoadResult {
  requestsPerSecond: number;
  total: number;
  non2xx: number;
  errors: number;
  latency: { p50: number; p90: number; p99: number; max: number };
  // With `replies`: [part id, acknowledged at (shared clock, ms)] of each 2xx ack.
  acks?: [string, number][];
}

let spec = (process.send ? {} : JSON.parse(process.argv[2])) as LoadSpec;

function webhookRequest(secret: string): { method: 'POST'; body: string; headers: Record<string, string> } {
  const body = JSON.stringify({
    type: 'notification_event',
    id: `notif_${randomUUID()}`,
    topic: 'conversation.admin.noted',
    app_id: 'bench',
    created_at: Math.floor(Date.now() / 1000),
    data: {
      type: 'notification_event_data',
      item: { type: 'conversation', id: String(1_000_000 + Math.floor(Math.random() * 1000)), state: 'open', contacts: { contacts: [] } },
    },
  });
  const signature = `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`;
  return { method: 'POST' as const, body, headers: { 'content-type': 'application/json', 'x-hub-signature': signature } };
}

// The stream phase's user ids, as bench/streams-client.ts opens their streams.
const streamUserId = (index: number): string => `bench-stream-${index}`;

// An operator reply to user i % users, its part id naming it (the stream client matches arrivals by it).
function replyRequest(secret: string, index: number, replies: { users: number; run: string }) {
  const user = index % replies.users;
  const partId = `bench-${replies.run}-${index}`;
  const now = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({
    type: 'notification_event',
    id: `notif_${partId}`,
    topic: 'conversation.admin.replied',
    app_id: 'bench',
    created_at: now,
    data: {
      type: 'notification_event_data',
      item: {
        type: 'conversation',
        id: String(3_000_000 + user),
        state: 'open',
        created_at: now - 60,
        updated_at: now,
        contacts: { type: 'contact.list', contacts: [{ type: 'contact', id: `bench-contact-${user}`, external_id: streamUserId(user) }] },
        conversation_parts: {
          type: 'conversation_part.list',
          conversation_parts: [
            {
              type: 'conversation_part',
              id: partId,
              part_type: 'comment',
              body: '<p>Thanks for waiting: your card is unblocked and ready to use again.</p>',
              created_at: now,
              updated_at: now,
              author: { type: 'admin', id: '1', name: 'Anna' },
              attachments: [],
            },
          ],
        },
      },
    },
  });
  const signature = `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`;
  return { method: 'POST' as const, body, partId, headers: { 'content-type': 'application/json', 'x-hub-signature': signature } };
}

function throughput(): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        duration: spec.duration,
        headers: spec.headers,
        requests: spec.webhookSecret
          ? [{ setupRequest: (request) => ({ ...request, ...webhookRequest(spec.webhookSecret!) }) }]
          : undefined,
      },
      (error, result) => {
        if (error) return reject(error);
        resolve({
          requestsPerSecond: result.requests.average,
          total: result.requests.total,
          non2xx: result.non2xx,
          errors: result.errors + result.timeouts,
          latency: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
        });
      },
    );
    if (!process.send) process.once('SIGINT', () => instance.stop());
  });
}

// Open loop: request i is due at start + i × interval whatever happened to earlier ones; its latency
// runs from that due time to the last byte of the response, so a stall in the server (or in this
// process) counts against every request it delays.
async function fixedRate(rate: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.connections });
  const interval = 1000 / rate;
  const count = Math.round(rate * spec.duration);
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const acks: [string, number][] = [];
  const send = (due: number, index: number) =>
    new Promise<void>((resolve) => {
      const { method, body, headers, partId } = spec.webhookSecret
        ? spec.replies
          ? replyRequest(spec.webhookSecret, index, spec.replies)
          : { ...webhookRequest(spec.webhookSecret), partId: undefined }
        : { method: 'GET', body: '', headers: {} as Record<string, string>, partId: undefined };
      const request = httpRequest(
        spec.url,
        { method, agent, headers: { ...spec.headers, ...headers, 'content-length': Buffer.byteLength(body) } },
        (response) => {
          response.resume();
          response.once('end', () => {
            const now = performance.now();
            latencies.push(now - due);
            if (response.statusCode! < 200 || response.statusCode! >= 300) non2xx += 1;
            else if (partId) acks.push([partId, performance.timeOrigin + now]);
            resolve();
          });
        },
      );
      request.once('error', () => {
        errors += 1;
        resolve();
      });
      request.end(body);
    });
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let index = 0; index < count; index += 1) {
    const due = start + index * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(send(due, index));
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((left, right) => left - right);
  const at = (quantile: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * quantile))] * 10) / 10;
  return {
    requestsPerSecond: count / elapsed,
    total: latencies.length,
    non2xx,
    errors,
    latency: { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) },
    acks: spec.replies ? acks : undefined,
  };
}

// Forked with an IPC channel (bench/run.ts's paired windows): one process serves many short loads,
// each spec a message, each result the answer, so alternating windows pay no process start-up.
if (process.send) {
  process.on('message', (message: LoadSpec) => {
    spec = message;
    void (spec.rate ? fixedRate(spec.rate) : throughput()).then((result) => process.send!(result));
  });
  process.send('ready');
} else {
  (spec.rate ? fixedRate(spec.rate) : throughput())
    .then((result) => process.stdout.write(JSON.stringify(result)))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
