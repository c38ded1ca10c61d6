import { PassThrough } from 'node:stream';
import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { signWebhook } from '../tools/intercom-emulator/src';
import { type TestApp, startTestApp } from './helpers/app';
import { createTestDatabase } from './helpers/database';
import { waitFor } from './helpers/wait';

const SECRET = 'test-intercom-client-secret';
const EMAIL = 'jane.doe.private@example.com';
const NAME = 'Jane Privatedoe';

interface LogLine {
  msg?: string;
  err?: Record<string, unknown>;
  raw: string;
}

async function sql(databaseUrl: string, text: string, params: unknown[] = []): Promise<unknown[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as unknown[];
  } finally {
    await client.end();
  }
}

// Item 9 of issue #15: what a run that fails in the database and in the job queue logs. The
// failures are real (a Postgres constraint, a terminated connection); the logs are read where they
// would leave the process.
describe('logs of failures carry no personal data or connection internals', () => {
  let app: TestApp;
  let databaseUrl: string;
  let text = '';
  const lines = (): LogLine[] =>
    text
      .split('\n')
      .filter(Boolean)
      .map((raw) => ({ ...(JSON.parse(raw) as Omit<LogLine, 'raw'>), raw }));

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    const destination = new PassThrough();
    destination.on('data', (chunk: Buffer) => (text += chunk.toString()));
    app = await startTestApp(
      { DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', LOG_FORMAT: 'json', INTERCOM_CLIENT_SECRET: SECRET },
      { logDestination: destination },
    );
  });

  afterAll(async () => {
    await app.close();
  });

  it('logs a failed INSERT of a webhook with its SQLSTATE and constraint, without the payload it carried', async () => {
    // Every new row is refused: the webhook's INSERT fails in Postgres with the payload as a parameter
    // and, in Postgres's detail, the whole failing row.
    await sql(databaseUrl, 'ALTER TABLE webhook_events ADD CONSTRAINT logs_spec_refuses_all CHECK (false) NOT VALID');
    try {
      const raw = JSON.stringify({
        type: 'notification_event',
        app_id: 'app',
        id: 'notif_logs_spec_1',
        topic: 'contact.user.created',
        created_at: 1_700_000_000,
        data: { type: 'notification_event_data', item: { type: 'contact', id: 'contact-logs', email: EMAIL, name: NAME } },
      });
      const response = await fetch(`${app.url}/webhooks/intercom`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature': signWebhook(raw, SECRET) },
        body: raw,
      });
      expect(response.status).toBe(500);
      const requestId = response.headers.get('x-request-id');

      const line = await waitFor(() => lines().find((entry) => entry.msg === 'Unhandled error'));
      expect(line.err).toMatchObject({
        type: 'QueryFailedError',
        code: '23514',
        constraint: 'logs_spec_refuses_all',
        table: 'webhook_events',
        message: expect.stringContaining('violates check constraint "logs_spec_refuses_all"') as unknown,
        query: expect.stringContaining('INSERT INTO webhook_events') as unknown,
        stack: expect.stringContaining('QueryFailedError') as unknown,
        driverError: expect.objectContaining({ code: '23514' }) as unknown,
      });
      expect(line.raw).toContain(requestId);
      expect(line.err).not.toHaveProperty('parameters');
      expect(line.err).not.toHaveProperty('detail');
      expect(text).not.toContain(EMAIL);
      expect(text).not.toContain(NAME);
    } finally {
      await sql(databaseUrl, 'ALTER TABLE webhook_events DROP CONSTRAINT logs_spec_refuses_all');
    }
  });

  it('logs a Postgres data exception without the value its message quotes', async () => {
    // Postgres quotes a value it cannot convert in the message itself (class 22, data exception).
    const error = await app.app
      .get(DataSource)
      .query('SELECT $1::uuid AS id', [EMAIL])
      .then(
        () => undefined,
        (failure: unknown) => failure,
      );
    expect(String(error)).toContain(EMAIL);
    new Logger('LogsSpec').error({ err: error }, 'Lookup failed');
    new Logger('LogsSpec').error(error);

    const logged = lines().filter((entry) => entry.raw.includes('"context":"LogsSpec"'));
    expect(logged).toHaveLength(2);
    for (const line of logged) {
      expect(line.err).toMatchObject({
        type: 'QueryFailedError',
        code: '22P02',
        message: 'invalid input syntax for type uuid: "[redacted]"',
      });
    }
    expect(logged[1].msg).toBe('invalid input syntax for type uuid: "[redacted]"');
    expect(text).not.toContain(EMAIL);
  });

  it("logs the job queue's connection failures without the pg client (host, user, database, cancel key)", async () => {
    const database = new URL(databaseUrl).pathname.slice(1);
    const before = lines().length;
    // The queue's pooled connections are cut from the server side, as a failover or an idle
    // timeout in a proxy would: pg-pool hands pg-boss the error with the pg client attached.
    await waitFor(async () => {
      const cut = await sql(
        databaseUrl,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'support-bff-jobs'",
      );
      return cut.length > 0 ? true : undefined;
    });
    const errors = await waitFor(() => {
      const found = lines()
        .slice(before)
        .filter((entry) => entry.msg === 'Job queue error');
      return found.length > 0 ? found : undefined;
    });
    for (const line of errors) {
      expect(line.err).toMatchObject({ code: '57P01', message: expect.stringContaining('terminating connection') as unknown });
      expect(line.err).not.toHaveProperty('client');
      for (const secret of [database, 'secretKey', 'processID', 'connectionParameters', '"host"', '"user"', '"password"']) {
        expect(line.raw).not.toContain(secret);
      }
    }
  });
});
