import { startIntercomEmulator } from './server';
import { BOT_ADMIN_ID, OPERATOR_ADMIN_ID } from './store';

/** CLI: starts the emulator from the environment and stops cleanly on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const port = Number(process.env.EMULATOR_PORT ?? 4010);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`EMULATOR_PORT must be a port number, got ${process.env.EMULATOR_PORT}`);
  const lag = process.env.EMULATOR_SEARCH_LAG_MS;
  if (lag !== undefined && lag !== '' && !/^\d+$/.test(lag))
    throw new Error(`EMULATOR_SEARCH_LAG_MS must be a whole number of milliseconds, got ${lag}`);
  const emu = await startIntercomEmulator({
    port,
    host: process.env.EMULATOR_HOST ?? '127.0.0.1',
    webhookUrl: process.env.INTERCOM_WEBHOOK_URL || undefined,
    clientSecret: process.env.INTERCOM_CLIENT_SECRET || undefined,
    ticketPrefix: process.env.EMULATOR_TICKET_PREFIX || undefined,
    searchLagMs: lag ? Number(lag) : undefined,
    webhookPingIntervalMs: Number(process.env.EMULATOR_PING_INTERVAL_MS) || undefined,
    logger: (m) => console.log(`[intercom-emulator] ${m}`),
  });
  console.log(
    `Intercom emulator: ${emu.url} (bot admin ${BOT_ADMIN_ID}, operator admin ${OPERATOR_ADMIN_ID}; webhooks → ${process.env.INTERCOM_WEBHOOK_URL || 'none'})`,
  );
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`[intercom-emulator] ${signal}: closing`);
    emu.close().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error(e);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
