import { readFile } from 'node:fs/promises';
import { SDK_TYPES_PATH, renderSdkTypes } from '../scripts/sdk-types';
import { type TestApp, startTestApp } from './helpers/app';

// The SDK's types are generated from the OpenAPI the BFF serves; a route change must regenerate them.
describe('SDK types (e2e)', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await startTestApp({ WEBHOOK_WORKERS: '0' });
  });
  afterAll(() => testApp.close());

  it('match the served /docs/json (run `npm run sdk:types` after changing a route or DTO)', async () => {
    const document: unknown = await (await fetch(`${testApp.url}/docs/json`)).json();
    const committed = await readFile(SDK_TYPES_PATH, 'utf8');
    const rendered = await renderSdkTypes(document);
    if (committed !== rendered) throw new Error(`${SDK_TYPES_PATH} is stale: run \`npm run sdk:types\` and commit it`);
    expect(committed).toBe(rendered);
  });
});
