import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestApp, startTestApp } from './helpers/app';
import { callJson } from './helpers/http';

// A stand-in build of the Mini App (the real one is exercised by tma-browser.e2e-spec.ts).
function fakeBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tma-dist-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><title>Support</title><script type="module" src="/tma/assets/index-abc.js"></script>',
  );
  writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
  return dir;
}

describe('Mini App serving and the dev sign-in (e2e)', () => {
  describe('in dev', () => {
    let testApp: TestApp;
    beforeAll(async () => {
      testApp = await startTestApp({ TMA_DIR: fakeBuild() });
    });
    afterAll(() => testApp.close());

    it('serves the built app at /tma/, index revalidated, hashed assets immutable', async () => {
      const index = await fetch(`${testApp.url}/tma/`);
      expect(index.status).toBe(200);
      expect(index.headers.get('content-type')).toMatch(/^text\/html/);
      expect(index.headers.get('cache-control')).toBe('no-cache');
      expect(await index.text()).toContain('<title>Support</title>');
      const asset = await fetch(`${testApp.url}/tma/assets/index-abc.js`);
      expect(asset.headers.get('content-type')).toMatch(/javascript/);
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      const bare = await fetch(`${testApp.url}/tma`, { redirect: 'manual' });
      expect([301, 302, 308]).toContain(bare.status);
      expect(bare.headers.get('location')).toBe('/tma/');
    });

    it('answers a missing file with the 404 envelope', async () => {
      const response = await callJson(`${testApp.url}/tma/assets/nope.js`, 'GET', undefined);
      expect(response).toEqual({ status: 404, body: { error: 'not_found', message: expect.any(String), requestId: expect.any(String) } });
    });

    it('hands out signed test-user init data that signs in through /auth/telegram', async () => {
      const dev = await callJson<{ initData: string }>(`${testApp.url}/auth/dev`, 'POST', undefined);
      expect(dev.status).toBe(200);
      const session = await callJson(`${testApp.url}/auth/telegram`, 'POST', undefined, { initData: dev.body.initData });
      expect(session).toMatchObject({ status: 200, body: { userId: 'tg:100000001', token: expect.any(String) } });
    });
  });

  describe('with DEV_SIGN_IN=false and no build', () => {
    let testApp: TestApp;
    beforeAll(async () => {
      testApp = await startTestApp({ DEV_SIGN_IN: 'false', TMA_DIR: join(tmpdir(), 'no-such-tma-build') });
    });
    afterAll(() => testApp.close());

    it('has no dev sign-in and no /tma/', async () => {
      expect((await callJson(`${testApp.url}/auth/dev`, 'POST', undefined)).status).toBe(404);
      expect((await callJson(`${testApp.url}/tma/`, 'GET', undefined)).status).toBe(404);
    });
  });
});
