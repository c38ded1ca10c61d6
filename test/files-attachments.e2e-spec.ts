import { FilesService } from '../src/files/files.service';
import { type RunningEmulator, startIntercomEmulator } from '../tools/intercom-emulator/src';
import { type TestApp, startTestApp } from './helpers/app';
import { png, utf8Text } from './helpers/file-samples';
import { bearer, sessionTokenFor } from './helpers/sessions';

interface IntercomAttachment {
  type: string;
  name: string;
  url: string;
  content_type: string;
  filesize: number;
}

// Intercom receives attachments as `attachment_urls` and downloads them itself, without any
// credentials: the emulator does the same real GET against the BFF's signed links.
describe('Files as Intercom attachments (e2e)', () => {
  let testApp: TestApp;
  let emulator: RunningEmulator;
  let contactId: string;

  beforeAll(async () => {
    emulator = await startIntercomEmulator({ port: 0 });
    testApp = await startTestApp({ INTERCOM_BASE_URL: emulator.url });
    // The public base URL is only known once the app listens on its random port.
    testApp.config.publicBaseUrl = testApp.url;
    const contact = await intercom('POST', '/contacts', { role: 'user', external_id: 'alice' });
    contactId = String(contact.body.id);
  });
  afterAll(async () => {
    await testApp.close();
    await emulator.close();
  });

  async function intercom(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, any> }> {
    const response = await fetch(`${emulator.url}${path}`, {
      method,
      headers: { authorization: 'Bearer test-token', 'intercom-version': '2.14', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  }

  async function uploadAs(userId: string, name: string, bytes: Buffer): Promise<string> {
    const form = new FormData();
    form.append('file', new Blob([bytes]), name);
    const response = await fetch(`${testApp.url}/api/files/upload`, {
      method: 'POST',
      headers: bearer(await sessionTokenFor(testApp, userId)),
      body: form,
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { files: { id: string }[] }).files[0].id;
  }

  it('delivers uploads to Intercom through signed links, which the emulator fetches without credentials', async () => {
    const screenshot = png(4, 4);
    const log = utf8Text(10_000);
    const ids = [await uploadAs('alice', 'screen.png', screenshot), await uploadAs('alice', 'app.log', log)];
    const links = await testApp.app.get(FilesService).signedUrlsForAttachments('alice', ids);
    expect(links.every((link) => link.startsWith(`${testApp.url}/files/`))).toBe(true);

    // Images on create (it takes image URLs only), any allowed type on a reply.
    const created = await intercom('POST', '/conversations', {
      from: { type: 'user', id: contactId },
      body: 'See attached',
      attachment_urls: [links[0]],
    });
    expect(created.status).toBe(200);
    const replied = await intercom('POST', `/conversations/${created.body.conversation_id}/reply`, {
      message_type: 'comment',
      type: 'user',
      intercom_user_id: contactId,
      body: 'and the log',
      attachment_urls: [links[1]],
    });
    expect(replied.status).toBe(200);
    const conversation = await intercom('GET', `/conversations/${created.body.conversation_id}`);
    const attachments = conversation.body.source.attachments as IntercomAttachment[];
    expect(attachments).toEqual([expect.objectContaining({ name: 'screen.png', content_type: 'image/png', filesize: screenshot.length })]);
    expect(conversation.body.conversation_parts.conversation_parts[0].attachments).toEqual([
      expect.objectContaining({ name: 'app.log', content_type: 'text/plain', filesize: log.length }),
    ]);
    // What Intercom re-hosts is byte for byte what the user uploaded.
    const rehosted = await fetch(attachments[0].url);
    expect(Buffer.from(await rehosted.arrayBuffer()).equals(screenshot)).toBe(true);
  });

  it('gives Intercom nothing for a tampered link', async () => {
    const id = await uploadAs('alice', 'statement.png', png());
    const [link] = await testApp.app.get(FilesService).signedUrlsForAttachments('alice', [id]);
    const tampered = link.replace(/t=([0-9a-f])/, (_match, first: string) => `t=${first === '0' ? '1' : '0'}`);

    const refused = await intercom('POST', '/conversations', {
      from: { type: 'user', id: contactId },
      body: 'x',
      attachment_urls: [tampered],
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('HTTP 403');
    expect((await fetch(tampered)).status).toBe(403);
  });

  it("refuses another user's file as an attachment with not_found", async () => {
    const id = await uploadAs('alice', 'private.png', png());
    await expect(testApp.app.get(FilesService).signedUrlsForAttachments('bob', [id])).rejects.toMatchObject({ code: 'not_found' });
  });
});
