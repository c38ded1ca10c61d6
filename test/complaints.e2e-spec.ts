import { Client } from 'pg';
import { type TestApp, startTestApp } from './helpers/app';
import { bearer, sessionTokenFor } from './helpers/sessions';

describe('Complaints (e2e)', () => {
  let testApp: TestApp;
  let token: string;
  beforeAll(async () => {
    testApp = await startTestApp();
    token = await sessionTokenFor(testApp, 'complainer-1');
  });
  afterAll(() => testApp.close());

  const post = (body: unknown) =>
    fetch(`${testApp.url}/api/complaints`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const stored = async (id: string) => {
    const client = new Client({ connectionString: testApp.config.database.url });
    await client.connect();
    try {
      return (
        await client.query('SELECT user_id, category, description, chat_id, dialog_id, created_at FROM complaints WHERE id = $1', [id])
      ).rows[0];
    } finally {
      await client.end();
    }
  };

  it.each(['funds', 'security', 'operator', 'technical', 'other'])(
    'stores a %s complaint with user and time, 201 { id }',
    async (category) => {
      const before = Date.now();
      const response = await post({ category, description: 'Money did not arrive', chatId: 'conv-1', dialogId: 'dlg-9' });
      expect(response.status).toBe(201);
      const body = (await response.json()) as { id: string };
      expect(body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      const row = await stored(body.id);
      expect(row).toMatchObject({
        user_id: 'complainer-1',
        category,
        description: 'Money did not arrive',
        chat_id: 'conv-1',
        dialog_id: 'dlg-9',
      });
      expect(row.created_at.getTime()).toBeGreaterThanOrEqual(before - 1000);
    },
  );

  it('accepts a complaint without chatId / dialogId', async () => {
    const response = await post({ category: 'other', description: '0123456789' });
    expect(response.status).toBe(201);
    expect(await stored(((await response.json()) as { id: string }).id)).toMatchObject({ chat_id: null, dialog_id: null });
  });

  it.each([
    [{ category: 'refund', description: 'long enough text' }, 'category'],
    [{ description: 'long enough text' }, 'category'],
    [{ category: 'funds', description: 'too short' }, 'description'],
    [{ category: 'funds', description: 'x'.repeat(5001) }, 'description'],
    [{ category: 'funds', description: 12345678901 }, 'description'],
    [{ category: 'funds', description: 'long enough text', chatId: 'x'.repeat(129) }, 'chatId'],
    [{ category: 'funds', description: 'long enough text', userId: 'someone-else' }, 'userId'],
  ])('rejects %j with 400 naming %s', async (body, field) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    const envelope = (await response.json()) as { error: string; message: string };
    expect(envelope.error).toBe('validation_error');
    expect(envelope.message).toContain(field);
  });

  it('accepts exactly 10 and 5000 characters', async () => {
    expect((await post({ category: 'technical', description: 'x'.repeat(10) })).status).toBe(201);
    expect((await post({ category: 'technical', description: 'x'.repeat(5000) })).status).toBe(201);
  });

  it('is documented in the OpenAPI with its limits, like every local-data route', async () => {
    const document = (await (await fetch(`${testApp.url}/docs/json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, { properties: Record<string, Record<string, unknown>> }> };
    };
    expect(Object.keys(document.paths['/api/csat'])).toContain('post');
    expect(Object.keys(document.paths['/api/complaints'])).toContain('post');
    expect(Object.keys(document.paths['/api/devices/register'])).toContain('post');
    expect(Object.keys(document.paths['/api/devices/{id}'])).toContain('delete');
    expect(Object.keys(document.paths['/api/settings/notifications']).sort()).toEqual(['get', 'put']);
    expect(Object.keys(document.paths['/api/diagnostics'])).toContain('post');
    const { schemas } = document.components;
    expect(schemas.CreateCsatDto.properties.stars).toMatchObject({ minimum: 1, maximum: 5 });
    expect(schemas.CreateCsatDto.properties.comment).toMatchObject({ maxLength: 2000 });
    expect(schemas.CreateComplaintDto.properties.description).toMatchObject({ minLength: 10, maxLength: 5000 });
    expect(schemas.CreateComplaintDto.properties.category).toMatchObject({ enum: ['funds', 'security', 'operator', 'technical', 'other'] });
    expect(schemas.RegisterDeviceDto.properties.token).toMatchObject({ maxLength: 512 });
    expect(schemas.DiagnosticsDto.properties.counters).toMatchObject({ maxProperties: 32 });
    expect(JSON.stringify(document.paths['/api/diagnostics'])).toContain('16384 bytes');
  });
});
