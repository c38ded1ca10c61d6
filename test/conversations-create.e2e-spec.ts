import { pdf, png } from './helpers/file-samples';
import { callJson } from './helpers/http';
import { bearer } from './helpers/sessions';
import { signIn, startTestStack, type TestStack } from './helpers/stack';

type Json = Record<string, any>;

// What Intercom's create_conversation_request takes: plain text ("HTML is not supported") and
// image URLs as the first message's attachments.
describe('Creating a conversation, as Intercom takes it (e2e)', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ RATE_LIMIT_PER_MIN: '10000', RATE_LIMIT_UPLOAD_PER_MIN: '10000' });
    // The emulator downloads attachment links from the app, whose port is known only now.
    stack.app.config.publicBaseUrl = stack.app.url;
  });
  afterAll(() => stack.close());

  const upload = async (token: string, name: string, bytes: Buffer): Promise<string> => {
    const form = new FormData();
    form.append('file', new Blob([bytes]), name);
    const response = await fetch(`${stack.app.url}/api/files/upload`, { method: 'POST', headers: bearer(token), body: form });
    expect(response.status).toBe(201);
    return ((await response.json()) as { files: { id: string }[] }).files[0].id;
  };

  it('sends the first message as plain text: the customer and the operator read it as typed', async () => {
    const { token } = await signIn(stack, 'plain-alice');
    const typed = 'Tom & Jerry <3\nline two';
    const response = await callJson(`${stack.app.url}/api/conversations`, 'POST', token, { body: typed });
    expect(response.status).toBe(201);
    expect(response.body.messages.map((message: Json) => message.body)).toEqual([typed]);
    expect(response.body.title).toBe(typed);
    // What the operator sees in Intercom: the same characters, not our escaping of them.
    const source = stack.emulator.state.conversations.get(response.body.id as string)!.source;
    expect(source.body).toBe('<p>Tom &amp; Jerry &lt;3<br>line two</p>');
    expect(stack.requestViolations()).toEqual([]);
  });

  it('attaches images to the first message and sends other files in the part after it', async () => {
    const { token } = await signIn(stack, 'attach-alice');
    const image = await upload(token, 'screen.png', png(3, 3));
    const document = await upload(token, 'statement.pdf', pdf());
    const response = await callJson(`${stack.app.url}/api/conversations`, 'POST', token, {
      body: 'Declined, see files',
      attachmentIds: [image, document],
    });
    expect(response.status).toBe(201);
    const messages = response.body.messages as Json[];
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatchObject({
      body: 'Declined, see files',
      attachments: [expect.objectContaining({ name: 'screen.png', contentType: 'image/png' })],
    });
    expect(messages[1]).toMatchObject({
      body: '📎 statement.pdf',
      author: expect.objectContaining({ type: 'user' }),
      attachments: [expect.objectContaining({ name: 'statement.pdf', contentType: 'application/pdf' })],
    });
    // Images only: no extra part at all.
    const onlyImage = await callJson(`${stack.app.url}/api/conversations`, 'POST', token, {
      body: 'Just a picture',
      attachmentIds: [await upload(token, 'shot.png', png())],
    });
    expect(onlyImage.body.messages).toEqual([expect.objectContaining({ body: 'Just a picture', attachments: [expect.any(Object)] })]);
    expect(stack.requestViolations()).toEqual([]);
  });
});
