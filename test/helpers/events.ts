import { Client } from 'pg';
import type { TestStack } from './stack';
import { waitFor } from './wait';

export interface LoggedRow {
  seq: number;
  type: string;
  payload: Record<string, unknown>;
}

export async function queryDatabase<T>(databaseUrl: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

// Drain to idle: every webhook the emulator sent is delivered, and the inbox has nothing left due.
export async function webhooksProcessed(stack: TestStack): Promise<void> {
  await stack.emulator.control.webhooksIdle(10_000);
  await waitFor(async () => {
    const [row] = await queryDatabase<{ due: string }>(
      stack.app.config.database.url!,
      'SELECT count(*) AS due FROM webhook_events WHERE processed_at IS NULL AND failed_at IS NULL',
    );
    return row.due === '0' ? true : undefined;
  });
}

export async function loggedEvents(databaseUrl: string, userId: string): Promise<LoggedRow[]> {
  const rows = await queryDatabase<{ seq: string; type: string; payload: Record<string, unknown> }>(
    databaseUrl,
    'SELECT seq, type, payload FROM user_events WHERE user_id = $1 ORDER BY seq',
    [userId],
  );
  return rows.map((row) => ({ seq: Number(row.seq), type: row.type, payload: row.payload }));
}
