import { DataSource } from 'typeorm';
import { freePort } from '../src/database/embedded-postgres';
import { waitFor } from './helpers/wait';
import { scrapeMetrics } from './helpers/prometheus';
import { startTestStack, type TestStack } from './helpers/stack';

const EVENT_ID = 'notif_commit_refused';
const TOPIC = 'conversation.admin.noted';

// webhook_events_total counts an outcome once its batch has committed (issue #21): a commit that
// fails rolls the outcome back and the event is taken again, so it must not have been counted.
describe('webhook_events_total and the inbox transaction', () => {
  let stack: TestStack;
  let metricsPort: number;
  const query = <T>(sql: string, params: unknown[] = []): Promise<T[]> => stack.app.app.get(DataSource).query<T[]>(sql, params);
  const processedCount = async () =>
    (await scrapeMetrics(metricsPort)).value('webhook_events_total', { topic: TOPIC, outcome: 'processed' }) ?? 0;

  beforeAll(async () => {
    metricsPort = await freePort();
    stack = await startTestStack({ METRICS_PORT: String(metricsPort), METRICS_HOST: '127.0.0.1', WEBHOOK_POLL_INTERVAL_MS: '50' });
  });
  afterAll(async () => {
    await query('DROP TRIGGER IF EXISTS refuse_commit ON webhook_events').catch(() => undefined);
    await stack.close();
  });

  it('counts an event processed once, after the commit, not on every attempt whose commit failed', async () => {
    // A deferred constraint trigger refuses the COMMIT that marks this one event processed (a real
    // Postgres failure at commit time); the sequence, outside the transaction, counts the refusals.
    await query('CREATE SEQUENCE commit_refusals');
    await query(`CREATE FUNCTION refuse_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM nextval('commit_refusals'); RAISE EXCEPTION 'commit refused by the test'; END $$`);
    await query(`CREATE CONSTRAINT TRIGGER refuse_commit AFTER UPDATE ON webhook_events DEFERRABLE INITIALLY DEFERRED
      FOR EACH ROW WHEN (NEW.id = '${EVENT_ID}' AND NEW.processed_at IS NOT NULL) EXECUTE FUNCTION refuse_commit()`);
    const before = await processedCount();

    await query(`INSERT INTO webhook_events (id, topic, payload) VALUES ($1, $2, '{}')`, [EVENT_ID, TOPIC]);
    await waitFor(async () => {
      const [sequence] = await query<{ last_value: string; is_called: boolean }>('SELECT last_value, is_called FROM commit_refusals');
      return sequence.is_called && Number(sequence.last_value) >= 3 ? true : undefined;
    });
    expect(await query('SELECT 1 FROM webhook_events WHERE id = $1 AND processed_at IS NOT NULL', [EVENT_ID])).toEqual([]);
    expect(await processedCount()).toBe(before);

    await query('DROP TRIGGER refuse_commit ON webhook_events');
    await waitFor(async () => ((await processedCount()) > before ? true : undefined));
    expect(await query('SELECT 1 FROM webhook_events WHERE id = $1 AND processed_at IS NOT NULL', [EVENT_ID])).toHaveLength(1);
    expect(await processedCount()).toBe(before + 1);
  });
});
