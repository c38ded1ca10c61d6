import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { ensureMiniAppBuilt } from '../scripts/tma-build';

// One real Postgres for the whole run; every test file creates its own database in it.
export default async function globalSetup(): Promise<void> {
  // The browser tests open the built Mini App at /tma/.
  ensureMiniAppBuilt();
  const postgres = await startEmbeddedPostgres();
  process.env.TEST_POSTGRES_URL = postgres.url;
  (globalThis as { __testPostgres?: typeof postgres }).__testPostgres = postgres;
}
