// `npm run intercom:setup`: creates, in the Intercom workspace of INTERCOM_ACCESS_TOKEN /
// INTERCOM_BASE_URL, the contact data attributes and the tags the BFF uses. Safe to repeat.
import 'reflect-metadata';
import { loadConfig } from '../src/config/config';
import { ConfigError } from '../src/config/env-reader';
import { setUpIntercomWorkspace } from '../src/intercom/workspace-setup';

async function main(): Promise<void> {
  const config = loadConfig();
  const result = await setUpIntercomWorkspace(config);
  const list = (names: string[]) => (names.length ? names.join(', ') : 'none');
  process.stdout.write(
    [
      `Intercom workspace at ${config.intercom.baseUrl}:`,
      `  contact attributes created: ${list(result.createdAttributes)}`,
      `  contact attributes restored from archive: ${list(result.restoredAttributes)}`,
      `  tags ensured: ${list(result.tags)}`,
    ].join('\n') + '\n',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError ? `Invalid configuration: ${error.message}` : `Intercom setup failed: ${String(error)}`}\n`,
  );
  process.exit(1);
});
