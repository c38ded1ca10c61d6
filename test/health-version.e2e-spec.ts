import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageVersion } from '../src/health/build-info';
import { startTestApp } from './helpers/app';

const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };

describe('/health build information', () => {
  it('carries the package version and the commit given at build time (GIT_COMMIT)', async () => {
    const app = await startTestApp({ GIT_COMMIT: '3239089C0FFEE0123456789ABCDEF0123456789A' });
    try {
      const response = await fetch(`${app.url}/health`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok', version, commit: '3239089c0ffee0123456789abcdef0123456789a' });
    } finally {
      await app.close();
    }
  });

  it('finds package.json from the compiled layout too, and says unknown outside the project', () => {
    expect(packageVersion(join(__dirname, '..', 'dist', 'src', 'health'))).toBe(version);
    expect(packageVersion('/')).toBe('unknown');
  });
});
