import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { freePort } from '../src/database/embedded-postgres';
import { IntercomService } from '../src/intercom/intercom.service';
import { signWebhook } from '../tools/intercom-emulator/src';
import { waitFor } from './helpers/wait';
import { scrapeMetrics } from './helpers/prometheus';
import { bearer, sessionTokenFor } from './helpers/sessions';
import { startTestStack, type TestStack } from './helpers/stack';

const SECRET = 'test-intercom-client-secret';
const TAG = 'csat-dead-letter-tag';
const ROOT = join(__dirname, '..');

// The npm scripts' command line, run as ops would: a separate process against the same database.
function cli(databaseUrl: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-r', '@swc-node/register', join(ROOT, 'scripts/dead-letters.ts'), ...args],
      { cwd: ROOT, env: { ...process.env, NODE_ENV: 'development', DATABASE_URL: databaseUrl, LOG_LEVEL: 'error' }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

// Each CLI run boots its own process (swc, Nest, the database pool): seconds on a busy machine.
jest.setTimeout(180_000);

describe('dead letters: npm run webhooks:failed / webhooks:replay', () => {
  let stack: TestStack;
  let metricsPort: number;
  let databaseUrl: string;
  const query = <T>(sql: string, params: unknown[] = []): Promise<T[]> => stack.app.app.get(DataSource).query<T[]>(sql, params);

  beforeAll(async () => {
    metricsPort = await freePort();
    stack = await startTestStack({
      INTERCOM_CLIENT_SECRET: SECRET,
      WEBHOOK_MAX_ATTEMPTS: '1',
      WEBHOOK_POLL_INTERVAL_MS: '100',
      CSAT_TAG_NAME: TAG,
      CSAT_TAG_RETRY_DELAY_SECONDS: '1',
      CSAT_TAG_RETRY_DELAY_MAX_SECONDS: '1',
      CSAT_TAG_GIVE_UP_AFTER_SECONDS: '3',
      // Only the tag calls fail in the outage below; the breaker must not fail the others with them.
      INTERCOM_BREAKER_ERROR_PERCENT: '100',
      INTERCOM_BREAKER_VOLUME: '1000',
      JOBS_POLL_INTERVAL_SECONDS: '1',
      METRICS_PORT: String(metricsPort),
      METRICS_HOST: '127.0.0.1',
      // A loaded machine must not turn a slow emulator answer into an outage.
      INTERCOM_TIMEOUT_MS: '5000',
    });
    databaseUrl = stack.app.config.database.url!;
  });
  afterAll(() => stack.close());

  it('lists a webhook event and a CSAT tag that failed for good, replays them, and they then succeed', async () => {
    // A webhook whose processing throws (malformed contact list) fails for good after one attempt.
    const eventId = `notif_${randomBytes(8).toString('hex')}`;
    const poison = {
      type: 'notification_event',
      id: eventId,
      topic: 'conversation.admin.replied',
      created_at: 1_700_000_000,
      data: { item: { type: 'conversation', id: 'conv-dead-letter', state: 'open', contacts: { contacts: 'not a list' } } },
    };
    const raw = JSON.stringify(poison);
    const delivered = await fetch(`${stack.app.url}/webhooks/intercom`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature': signWebhook(raw, SECRET) },
      body: raw,
    });
    expect(delivered.status).toBe(200);
    await waitFor(async () =>
      (await query('SELECT 1 FROM webhook_events WHERE id = $1 AND failed_at IS NOT NULL', [eventId])).length ? true : undefined,
    );

    // A CSAT tag Intercom refuses (403: e.g. a token without the tags scope) is given up.
    const intercom = stack.app.app.get(IntercomService);
    const contactId = await intercom.contactIdFor({ userId: 'dead-letter-rater', telegramChatId: null, name: null, email: null });
    const conversationId = await intercom.createConversation(contactId, 'Need help');
    stack.emulator.control.addFault({ method: 'POST', pathRegex: '/tags$', status: 403 });
    const rated = await fetch(`${stack.app.url}/api/csat`, {
      method: 'POST',
      headers: { ...bearer(await sessionTokenFor(stack.app, 'dead-letter-rater')), 'content-type': 'application/json' },
      body: JSON.stringify({ stars: 4, conversationId }),
    });
    expect(rated.status).toBe(201);
    const { id: ratingId } = (await rated.json()) as { id: string };
    const tagged = () => {
      const conversation = stack.emulator.state.conversations.get(conversationId);
      return Boolean(conversation?.tags.some((applied) => stack.emulator.state.tags.get(applied.id)?.name === TAG));
    };
    expect(tagged()).toBe(false);

    expect((await scrapeMetrics(metricsPort)).value('webhook_inbox_failed')).toBe(1);
    // The tag's job gives up on Intercom's 403 (a refusal, not an outage).
    await waitFor(async () => ((await scrapeMetrics(metricsPort)).value('csat_tag_dead_letters') === 1 ? true : undefined));
    const listed = await cli(databaseUrl, 'list');
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    expect(listed.stdout).toContain(`webhook:${eventId}`);
    expect(listed.stdout).toContain('conversation.admin.replied');
    expect(listed.stdout).toContain(`csat:${ratingId}`);
    expect(listed.stdout).toContain('Intercom 403');
    expect(listed.stdout).toContain('2 dead letter(s).');

    // The causes are fixed (the payload repaired, Intercom accepts tags again), then everything is replayed.
    await query(`UPDATE webhook_events SET payload = jsonb_set(payload, '{data,item,contacts}', '{"contacts": []}') WHERE id = $1`, [
      eventId,
    ]);
    stack.emulator.control.clearFaults();
    const replayed = await cli(databaseUrl, 'replay', '--all');
    expect(replayed).toMatchObject({ code: 0, stderr: '' });
    expect(replayed.stdout).toContain(`replayed webhook:${eventId}`);
    expect(replayed.stdout).toContain(`replayed csat:${ratingId}`);

    await waitFor(async () =>
      (await query('SELECT 1 FROM webhook_events WHERE id = $1 AND processed_at IS NOT NULL', [eventId])).length ? true : undefined,
    );
    await waitFor(() => (tagged() ? true : undefined), 20_000);
    expect(await cli(databaseUrl, 'list')).toMatchObject({ code: 0, stdout: 'No dead letters.\n' });
    expect((await scrapeMetrics(metricsPort)).value('webhook_inbox_failed')).toBe(0);
    expect((await scrapeMetrics(metricsPort)).value('csat_tag_dead_letters')).toBe(0);
  });

  it('gives a CSAT tag up after CSAT_TAG_GIVE_UP_AFTER_SECONDS of outage: listed, counted, replayed once Intercom is back', async () => {
    const intercom = stack.app.app.get(IntercomService);
    const contactId = await intercom.contactIdFor({ userId: 'outage-rater', telegramChatId: null, name: null, email: null });
    const conversationId = await intercom.createConversation(contactId, 'Rate me later');
    // Intercom is down for tags (5xx: an outage, retried), longer than the give-up window.
    stack.emulator.control.addFault({ method: 'POST', pathRegex: '/tags$', status: 500 });
    const rated = await fetch(`${stack.app.url}/api/csat`, {
      method: 'POST',
      headers: { ...bearer(await sessionTokenFor(stack.app, 'outage-rater')), 'content-type': 'application/json' },
      body: JSON.stringify({ stars: 2, conversationId }),
    });
    expect(rated.status).toBe(201);
    const { id: ratingId } = (await rated.json()) as { id: string };
    const [given] = await waitFor(async () => {
      const rows = await query<{ tag_error: string }>('SELECT tag_error FROM csat_ratings WHERE id = $1 AND tag_failed_at IS NOT NULL', [
        ratingId,
      ]);
      return rows.length ? rows : undefined;
    }, 30_000);
    // The job retried (the first try was the request's own) before it gave up.
    expect(given.tag_error).toMatch(/^gave up after [2-9]\d* attempts over \d+ s: /);
    expect((await scrapeMetrics(metricsPort)).value('csat_tag_dead_letters')).toBe(1);
    const listed = await cli(databaseUrl, 'list');
    expect(listed.stdout).toContain(`csat:${ratingId}`);
    expect(listed.stdout).toContain('gave up after');

    stack.emulator.control.clearFaults();
    expect(await cli(databaseUrl, 'replay', `csat:${ratingId}`)).toMatchObject({ code: 0, stdout: `replayed csat:${ratingId}\n` });
    const tagged = () =>
      stack.emulator.state.conversations
        .get(conversationId)
        ?.tags.some((applied) => stack.emulator.state.tags.get(applied.id)?.name === TAG);
    await waitFor(() => (tagged() ? true : undefined), 20_000);
    expect((await scrapeMetrics(metricsPort)).value('csat_tag_dead_letters')).toBe(0);
  });

  it('replays one event by id, and says so when there is no such dead letter', async () => {
    const eventId = `notif_${randomBytes(8).toString('hex')}`;
    await query(
      `INSERT INTO webhook_events (id, topic, payload, attempts, last_error, failed_at) VALUES ($1, 'conversation.admin.noted', '{}', 1, 'boom', now())`,
      [eventId],
    );
    expect(await cli(databaseUrl, 'replay', eventId)).toMatchObject({ code: 0, stdout: `replayed ${eventId}\n` });
    await waitFor(async () =>
      (await query('SELECT 1 FROM webhook_events WHERE id = $1 AND processed_at IS NOT NULL', [eventId])).length ? true : undefined,
    );
    // Processed events are not dead letters: nothing to replay any more.
    expect(await cli(databaseUrl, 'replay', eventId)).toMatchObject({ code: 1, stdout: `no dead letter ${eventId}\n` });
    expect(await cli(databaseUrl, 'replay')).toMatchObject({ code: 2, stderr: expect.stringContaining('usage') });
  });
});
