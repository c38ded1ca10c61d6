import { loadConfig } from '../../src/config/config';
import { IntercomService } from '../../src/intercom/intercom.service';
import { setUpIntercomWorkspace } from '../../src/intercom/workspace-setup';
import { type EmulatorOptions, type RunningEmulator, startIntercomEmulator } from '../../tools/intercom-emulator/src';
import { type TestApp, startTestApp } from './app';
import { sessionTokenFor } from './sessions';

export interface TestStack {
  emulator: RunningEmulator;
  app: TestApp;
  // Intercom requests the BFF sent that do not conform to Intercom's OpenAPI description.
  requestViolations(): unknown[];
  close(): Promise<void>;
}

// The BFF wired to a fresh Intercom emulator over real HTTP, webhooks signed and delivered back.
// `workspaceSetup: false` leaves the emulator a workspace without the BFF's data attributes.
export async function startTestStack(
  env: Record<string, string> = {},
  emulatorOptions: EmulatorOptions = {},
  { workspaceSetup = true }: { workspaceSetup?: boolean } = {},
): Promise<TestStack> {
  const clientSecret = env.INTERCOM_CLIENT_SECRET ?? 'test-intercom-client-secret';
  const emulator = await startIntercomEmulator({ port: 0, clientSecret, webhookRetryBaseMs: 50, ...emulatorOptions });
  // As `npm run intercom:setup` leaves a real workspace.
  if (workspaceSetup)
    await setUpIntercomWorkspace(loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'error', INTERCOM_BASE_URL: emulator.url, ...env }));
  emulator.control.resetRequests();
  const app = await startTestApp({
    INTERCOM_BASE_URL: emulator.url,
    INTERCOM_CLIENT_SECRET: clientSecret,
    INTERCOM_TIMEOUT_MS: '1000',
    ...env,
  });
  emulator.control.setWebhookUrl(`${app.url}/webhooks/intercom`);
  return {
    emulator,
    app,
    requestViolations: () => emulator.control.violations().filter((violation) => violation.kind === 'request'),
    async close() {
      await app.close();
      await emulator.close();
    },
  };
}

// A session for `userId` plus that user's Intercom contact id (created in the emulator if new).
export async function signIn(stack: TestStack, userId: string): Promise<{ token: string; contactId: string }> {
  const contactId = await stack.app.app.get(IntercomService).contactIdFor({ userId, telegramChatId: null, name: null, email: null });
  return { token: await sessionTokenFor(stack.app, userId), contactId };
}
