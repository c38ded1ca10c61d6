import { Client } from 'pg';
import { JobsService } from '../src/jobs/jobs.service';
import { type TestApp, startTestApp } from './helpers/app';
import { createTestDatabase } from './helpers/database';
import { waitFor } from './helpers/wait';

const ONCE = { retryLimit: 3, retryDelay: 1, retryBackoff: false };
const FAST = { JOBS_POLL_INTERVAL_SECONDS: '1' };

async function jobState(databaseUrl: string, id: string): Promise<string | undefined> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ state: string }>('SELECT state FROM pgboss.job WHERE id = $1', [id]);
    return rows[0]?.state;
  } finally {
    await client.end();
  }
}

describe('Jobs (e2e, pg-boss on the app database)', () => {
  let databaseUrl: string;
  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
  });

  it('processes a job sent by one instance after that instance is closed and another starts', async () => {
    const first: TestApp = await startTestApp({ ...FAST, DATABASE_URL: databaseUrl });
    const id = await first.app.get(JobsService).send('test.restart', { greeting: 'hello' }, ONCE);
    await first.close();
    expect(id).toEqual(expect.any(String));
    expect(await jobState(databaseUrl, id!)).toBe('created');

    const second: TestApp = await startTestApp({ ...FAST, DATABASE_URL: databaseUrl });
    try {
      const seen: unknown[] = [];
      await second.app.get(JobsService).work('test.restart', async (data) => {
        seen.push(data);
      });
      expect(await waitFor(() => seen[0])).toEqual({ greeting: 'hello' });
    } finally {
      await second.close();
    }
    expect(await jobState(databaseUrl, id!)).toBe('completed');
  });

  it('retries a failing handler until it succeeds', async () => {
    const app = await startTestApp({ ...FAST, DATABASE_URL: databaseUrl });
    try {
      const attempts: number[] = [];
      await app.app.get(JobsService).work<{ n: number }>('test.retry', async (_data, job) => {
        attempts.push(job.retryCount);
        if (attempts.length < 3) throw new Error('not yet');
      });
      await app.app.get(JobsService).send('test.retry', { n: 1 }, { retryLimit: 5, retryDelay: 1, retryBackoff: true });
      await waitFor(() => (attempts.length >= 3 ? true : undefined), 20_000);
      expect(attempts).toEqual([0, 1, 2]);
    } finally {
      await app.close();
    }
  });

  it('lets an in-flight job finish on close, and close does not hang', async () => {
    const app = await startTestApp({ ...FAST, DATABASE_URL: databaseUrl });
    let finished = false;
    let started = false;
    await app.app.get(JobsService).work('test.slow', async () => {
      started = true;
      await new Promise((resolve) => setTimeout(resolve, 700));
      finished = true;
    });
    const id = await app.app.get(JobsService).send('test.slow', {}, ONCE);
    await waitFor(() => (started ? true : undefined));
    const closing = Date.now();
    await app.close();
    expect(finished).toBe(true);
    expect(Date.now() - closing).toBeLessThan(5_000);
    expect(await jobState(databaseUrl, id!)).toBe('completed');
  });
});
