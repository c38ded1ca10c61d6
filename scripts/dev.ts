// `npm run dev`: the whole local stack in one process tree — embedded Postgres (unless
// DATABASE_URL is set), the Intercom emulator wired to the BFF, and the BFF itself.
import 'reflect-metadata';
import { runOrExit, startService, stopOnSignals } from '../src/boot';
import { DEV_DEFAULTS } from '../src/config/config';
import { setUpIntercomWorkspace } from '../src/intercom/workspace-setup';
import { BOT_ADMIN_ID, type RunningEmulator, startIntercomEmulator } from '../tools/intercom-emulator/src';
import { applyDevEnvironment } from './dev-env';
import { ensureMiniAppBuilt } from './tma-build';

applyDevEnvironment();

runOrExit(async () => {
  const startedAt = Date.now();
  // The reference Mini App at /tma/ (rebuilt when its sources or the SDK's changed).
  ensureMiniAppBuilt();
  // The emulator stands in for Intercom unless INTERCOM_BASE_URL points elsewhere.
  let emulator: RunningEmulator | undefined;
  const service = await startService({
    prepare: async (config) => {
      if (process.env.INTERCOM_BASE_URL) return config;
      emulator = await startIntercomEmulator({
        port: config.emulatorPort,
        clientSecret: config.intercom.clientSecret,
        webhookUrl: `http://127.0.0.1:${config.port}/webhooks/intercom`,
      });
      const prepared = { ...config, intercom: { ...config.intercom, baseUrl: emulator.url } };
      // A fresh emulator is a new workspace: define what `npm run intercom:setup` defines in a real one.
      await setUpIntercomWorkspace(prepared);
      return prepared;
    },
  });

  stopOnSignals(async (signal) => {
    process.stdout.write(`\n${signal}: stopping…\n`);
    await service.stop(async () => emulator?.close());
  });

  const { config, postgres } = service;
  const lines = [
    `support-bff dev stack ready in ${Date.now() - startedAt} ms`,
    `  BFF        http://127.0.0.1:${config.port}   (docs: /docs, health: /health, ready: /ready)`,
    `  Metrics    ${config.metrics.port === 0 ? 'off (METRICS_PORT=0)' : `http://127.0.0.1:${config.metrics.port}/metrics`}`,
    `  Mini App   http://127.0.0.1:${config.port}/tma/   (${config.tma.devSignIn ? 'dev sign-in as a test user outside Telegram' : 'Telegram sign-in only'})`,
    `  Postgres   ${postgres ? `embedded, ${postgres.url}` : 'DATABASE_URL'}`,
    emulator
      ? `  Intercom   emulator at ${emulator.url} (any bearer token; bot admin ${BOT_ADMIN_ID}; play operator with Intercom's own API, webhooks signed to the BFF)`
      : `  Intercom   ${config.intercom.baseUrl}`,
    'Dev secrets in use (override with the env variables of the same name):',
    `  INTERCOM_ACCESS_TOKEN=${config.intercom.accessToken === DEV_DEFAULTS.intercomAccessToken ? config.intercom.accessToken : '(from env)'}`,
    `  INTERCOM_CLIENT_SECRET=${config.intercom.clientSecret === DEV_DEFAULTS.intercomClientSecret ? config.intercom.clientSecret : '(from env)'}`,
    `  SESSION_JWT_SECRET=${config.session.secret === DEV_DEFAULTS.sessionJwtSecret ? config.session.secret : '(from env)'}`,
    `  HOST_JWT_SECRET=${config.hostJwt.secret === DEV_DEFAULTS.hostJwtSecret ? config.hostJwt.secret : '(from env)'}`,
    `  TELEGRAM_BOT_TOKEN=${config.telegram.botToken === DEV_DEFAULTS.telegramBotToken ? config.telegram.botToken : '(from env)'}`,
    `  FILE_LINK_SECRET=${config.files.linkSecret === DEV_DEFAULTS.fileLinkSecret ? config.files.linkSecret : '(from env)'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
});
