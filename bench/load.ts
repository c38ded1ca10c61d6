// Runs one autocannon load in its own process (so the load generator does not share the server's
// CPU accounting) and prints the result as JSON. Input: a JSON argument.
import { createHmac, randomUUID } from 'node:crypto';
import autocannon, { type Request } from 'autocannon';

interface LoadSpec {
  url: string;
  connections: number;
  duration: number;
  headers?: Record<string, string>;
  // Requests per second across all connections (autocannon's overallRate); omit for max throughput.
  rate?: number;
  // Signed Intercom webhooks, a fresh notification id per request: `conversation.admin.noted`
  // events, so every acknowledgement includes the durable insert (then processing: no push).
  webhookSecret?: string;
}

const spec = JSON.parse(process.argv[2]) as LoadSpec;

function webhookRequest(secret: string) {
  return (request: Request): Request => {
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
    return { ...request, method: 'POST', body, headers: { 'content-type': 'application/json', 'x-hub-signature': signature } };
  };
}

const instance = autocannon(
  {
    url: spec.url,
    connections: spec.connections,
    duration: spec.duration,
    headers: spec.headers,
    overallRate: spec.rate,
    requests: spec.webhookSecret ? [{ setupRequest: webhookRequest(spec.webhookSecret) }] : undefined,
  },
  (error, result) => {
    if (error) throw error;
    process.stdout.write(
      JSON.stringify({
        requestsPerSecond: result.requests.average,
        total: result.requests.total,
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        latency: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
      }),
    );
  },
);
process.once('SIGINT', () => instance.stop());
