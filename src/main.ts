import 'reflect-metadata';
import { createApp } from './app.factory';
import { loadConfig } from './config/config';
import { ConfigError } from './config/env-reader';
import { type RunningPostgres, startEmbeddedPostgres } from './database/embedded-postgres';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Invalid configuration: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  let embedded: RunningPostgres | undefined;
  if (!config.database.url) {
    embedded = await startEmbeddedPostgres();
    config = { ...config, database: { ...config.database, url: embedded.url } };
  }
  const app = await createApp(config);
  app.enableShutdownHooks();
  if (embedded) {
    const postgres = embedded;
    process.once('exit', () => undefined);
    app
      .getHttpAdapter()
      .getInstance()
      .addHook('onClose', async () => postgres.stop());
  }
  await app.listen(config.port, config.host);
}

void main();
