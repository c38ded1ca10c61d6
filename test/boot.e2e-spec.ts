import { startService } from '../src/boot';
import { createTestDatabase } from './helpers/database';

describe('startService (the boot of npm start and npm run dev)', () => {
  it('boots on the given database after prepare, serves, and stops', async () => {
    const databaseUrl = await createTestDatabase();
    const prepared: string[] = [];
    const service = await startService({
      env: { NODE_ENV: 'development', DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1', METRICS_PORT: '0', LOG_LEVEL: 'error' },
      prepare: async (config) => {
        prepared.push(config.database.url!);
        return { ...config, csat: { ...config.csat, tagName: 'prepared-tag' } };
      },
    });
    expect(prepared).toEqual([databaseUrl]);
    expect(service.config.csat.tagName).toBe('prepared-tag');
    expect(service.postgres).toBeUndefined();
    const address = service.app.getHttpServer().address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    expect((await fetch(`${url}/health`)).status).toBe(200);
    // `before` runs once the app is closed, before the (here external) database would be stopped.
    const listeningAtBefore: boolean[] = [];
    await service.stop(async () => {
      listeningAtBefore.push(service.app.getHttpServer().listening);
    });
    expect(listeningAtBefore).toEqual([false]);
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });
});
