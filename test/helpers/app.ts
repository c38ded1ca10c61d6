import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { type CreateAppOptions, createApp } from '../../src/app.factory';
import { type AppConfig, loadConfig } from '../../src/config/config';
import { registerContract, unregisterContract } from './contract-registry';
import { createTestDatabase } from './database';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  url: string;
  close(): Promise<void>;
}

// Boots the real AppModule on Fastify, listening on a random port, against a fresh database.
export async function startTestApp(env: Record<string, string | undefined> = {}, options: CreateAppOptions = {}): Promise<TestApp> {
  const databaseUrl = env.DATABASE_URL ?? (await createTestDatabase());
  // Metrics off unless a test asks for them: the default port would collide between test apps.
  // NODE_ENV=development as `npm run dev` (dev secrets); a test of production mode passes its own.
  const config = loadConfig({
    NODE_ENV: 'development',
    LOG_LEVEL: 'error',
    METRICS_PORT: '0',
    ...env,
    PORT: '0',
    DATABASE_URL: databaseUrl,
  });
  const app = await createApp(config, options);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  // From here on every response of this app is checked against its own /docs/json.
  await registerContract(url);
  return {
    app,
    config,
    url,
    close: async () => {
      unregisterContract(url);
      await app.close();
    },
  };
}
