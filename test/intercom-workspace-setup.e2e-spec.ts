import { Logger } from '@nestjs/common';
import { IntercomWorkspaceSetup, CONTACT_ATTRIBUTES, setUpIntercomWorkspace } from '../src/intercom/workspace-setup';
import { startTestApp } from './helpers/app';
import { callJson } from './helpers/http';
import { signIn, startTestStack, type TestStack } from './helpers/stack';

// Intercom refuses custom attributes nobody defined; the emulator does too. `npm run
// intercom:setup` defines them (and the tags), the boot check says what is missing, and a missing
// attribute never costs the others.
describe('Intercom workspace setup: data attributes and tags (e2e)', () => {
  let stack: TestStack;
  const names = CONTACT_ATTRIBUTES.map((attribute) => attribute.name);

  beforeAll(async () => {
    stack = await startTestStack({ RATE_LIMIT_PER_MIN: '10000' }, {}, { workspaceSetup: false });
  });
  afterAll(() => stack.close());
  afterEach(() => jest.restoreAllMocks());

  const contactAttributes = () => stack.emulator.state.dataAttributes.filter((attribute) => attribute.model === 'contact');

  it('logs at boot which attributes the workspace lacks, and still boots', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const app = await startTestApp({
      DATABASE_URL: stack.app.config.database.url,
      INTERCOM_BASE_URL: stack.emulator.url,
      WEBHOOK_WORKERS: '0',
    });
    try {
      const warned = warn.mock.calls.find(([, message]) => typeof message === 'string' && message.includes('npm run intercom:setup'));
      expect(warned?.[0]).toMatchObject({ missingAttributes: names });
      expect(warned?.[1]).toContain('app_version');
      expect((await fetch(`${app.url}/health`)).status).toBe(200);
      expect(await app.app.get(IntercomWorkspaceSetup).check()).toEqual({ missingAttributes: names, archivedAttributes: [] });
    } finally {
      await app.close();
    }
  });

  it('creates the conversation without enrichment while nothing is defined, then sets it once set up', async () => {
    const { token, contactId } = await signIn(stack, 'setup-alice');
    const meta = { appVersion: '5.2.1', platform: 'ios' };
    const before = await callJson(`${stack.app.url}/api/conversations`, 'POST', token, { body: 'before setup', meta });
    expect(before.status).toBe(201);
    expect(stack.emulator.state.contacts.get(contactId)!.custom_attributes).toEqual({});

    const setup = await setUpIntercomWorkspace(stack.app.config);
    expect(setup).toEqual({ createdAttributes: names, restoredAttributes: [], tags: [stack.app.config.csat.tagName] });
    expect(contactAttributes().map((attribute) => attribute.name)).toEqual(names);
    expect([...stack.emulator.state.tags.values()].map((tag) => tag.name)).toEqual([stack.app.config.csat.tagName]);
    // Idempotent: a second run creates nothing.
    expect(await setUpIntercomWorkspace(stack.app.config)).toEqual({ createdAttributes: [], restoredAttributes: [], tags: ['csat-rated'] });
    expect(contactAttributes()).toHaveLength(names.length);
    expect(stack.emulator.state.tags.size).toBe(1);

    await callJson(`${stack.app.url}/api/conversations`, 'POST', token, { body: 'after setup', meta });
    expect(stack.emulator.state.contacts.get(contactId)!.custom_attributes).toEqual({
      app_version: '5.2.1',
      app_platform: 'ios',
      last_client_ip: '127.0.0.1',
    });
  });

  it('keeps the other attributes when one is missing, and the setup restores an archived one', async () => {
    const { token, contactId } = await signIn(stack, 'setup-bob');
    stack.emulator.state.dataAttributes.find((attribute) => attribute.name === 'app_platform')!.archived = true;
    const response = await callJson(`${stack.app.url}/api/conversations`, 'POST', token, {
      body: 'one attribute archived',
      meta: { appVersion: '6.0', platform: 'android' },
    });
    expect(response.status).toBe(201);
    expect(stack.emulator.state.contacts.get(contactId)!.custom_attributes).toEqual({ app_version: '6.0', last_client_ip: '127.0.0.1' });
    expect(await stack.app.app.get(IntercomWorkspaceSetup).check()).toEqual({
      missingAttributes: [],
      archivedAttributes: ['app_platform'],
    });
    expect((await setUpIntercomWorkspace(stack.app.config)).restoredAttributes).toEqual(['app_platform']);
    expect(stack.requestViolations()).toEqual([]);
  });
});
