// Webhook acknowledgement latency: signed Intercom notifications at a fixed rate against a started
// app on an embedded Postgres. Every request is a fresh `conversation.admin.noted` event (recorded
// in the inbox, then processed: snapshot update, no push, no Intercom call), so the ack includes
// the durable INSERT. Also reports how long the inbox takes to drain.
// Usage: node -r @swc-node/register bench/webhooks.ts [rate=200] [seconds=20]
import 'reflect-metadata';
import { createHmac, randomUUID } from 'node:crypto';
import autocannon, { type Request } from 'autocannon';
import { Client } from 'pg';
import { createApp } from '../src/app.factory';
import { loadConfig } from '../src/config/config';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';

const SECRET = 'bench-intercom-client-secret';
const rate = Number(process.argv[2] ?? 200);
const duration = Number(process.argv[3] ?? 20);

function signedNote(request: Request): Request {
  const body = JSON.stringify({
    type: 'notification_event',
    id: `notif_${randomUUID()}`,
    topic: 'conversation.admin.noted',
    app_id: 'bench',
    created_at: Math.floor(Date.now() / 1000),
    data: {
      type: 'notification_event_data',
      item: { type: 'conversation', id: `conv-${Math.floor(Math.random() * 1000)}`, state: 'open', contacts: { contacts: [] } },
    },
  });
  const signature = `sha1=${createHmac('sha1', SECRET).update(body).digest('hex')}`;
  return { ...request, method: 'POST', body, headers: { 'content-type': 'application/json', 'x-hub-signature': signature } };
}

async function pending(databaseUrl: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: string }>('SELECT count(*) FROM webhook_events WHERE processed_at IS NULL');
    return Number(rows[0].count);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const postgres = await startEmbeddedPostgres();
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'error', PORT: '0', DATABASE_URL: postgres.url, INTERCOM_CLIENT_SECRET: SECRET });
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/webhooks/intercom`;
  try {
    // Warm-up, then the measured run.
    await autocannon({ url, connections: 10, duration: 3, overallRate: rate, requests: [{ setupRequest: signedNote }] });
    const result = await autocannon({ url, connections: 10, duration, overallRate: rate, requests: [{ setupRequest: signedNote }] });
    const loadEnded = Date.now();
    while ((await pending(postgres.url)) > 0 && Date.now() - loadEnded < 60_000) await new Promise((resolve) => setTimeout(resolve, 100));
    console.log(
      JSON.stringify(
        {
          rate,
          duration,
          requests: result.requests.total,
          non2xx: result.non2xx,
          errors: result.errors,
          latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
          inboxDrainedMsAfterLoad: Date.now() - loadEnded,
          inboxPending: await pending(postgres.url),
        },
        null,
        2,
      ),
    );
  } finally {
    await app.close();
    await postgres.stop();
  }
}

void main();
