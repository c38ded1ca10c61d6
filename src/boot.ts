import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from './app.factory';
import { type AppConfig, loadConfig } from './config/config';
import { ConfigError } from './config/env-reader';
import { type RunningPostgres, startEmbeddedPostgres } from './database/embedded-postgres';

export interface RunningService {
  app: NestFastifyApplication;
  config: AppConfig;
  // Set when DATABASE_URL was unset and an embedded Postgres was started.
  postgres: RunningPostgres | undefined;
  // Closes the app (in-flight requests finish, pools close), then `before` if given, then the
  // embedded Postgres: the database goes last, once nothing uses it.
  stop(before?: () => Promise<void>): Promise<void>;
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  // May adjust the config once the database is known (the dev runner starts the Intercom emulator here).
  prepare?: (config: AppConfig) => Promise<AppConfig>;
}

// The boot that `npm start` (src/main.ts) and `npm run dev` (scripts/dev.ts) share: validated
// config, an embedded Postgres when DATABASE_URL is unset, the app, listening.
export async function startService(options: StartOptions = {}): Promise<RunningService> {
  let config = loadConfig(options.env);
  let postgres: RunningPostgres | undefined;
  if (!config.database.url) {
    postgres = await startEmbeddedPostgres();
    config = { ...config, database: { ...config.database, url: postgres.url } };
  }
  let app: NestFastifyApplication | undefined;
  const stop = async (before?: () => Promise<void>): Promise<void> => {
    await app?.close().catch(() => undefined);
    await before?.().catch(() => undefined);
    await postgres?.stop().catch(() => undefined);
  };
  try {
    if (options.prepare) config = await options.prepare(config);
    app = await createApp(config);
    await app.listen(config.port, config.host);
  } catch (error) {
    // A boot that fails half-way leaves no workers or database behind.
    await stop();
    throw error;
  }
  return { app, config, postgres, stop };
}

// SIGINT / SIGTERM: stop once, then exit.
export function stopOnSignals(stop: (signal: NodeJS.Signals) => Promise<void>): void {
  const handle = (signal: NodeJS.Signals): void => {
    void stop(signal).finally(() => process.exit(0));
  };
  process.once('SIGINT', handle);
  process.once('SIGTERM', handle);
}

// Runs a boot script: a bad configuration prints the variable's message and exits 1.
export function runOrExit(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    const text =
      error instanceof ConfigError
        ? `Invalid configuration: ${error.message}`
        : error instanceof Error
          ? (error.stack ?? error.message)
          : String(error);
    process.stderr.write(`${text}\n`);
    process.exit(1);
  });
}
