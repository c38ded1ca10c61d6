import { createSupportClient } from '@support-bff/sdk';
import { render } from 'preact';
import { App } from './app';
import { startTelegram } from './telegram';
import './styles.css';

const telegram = startTelegram();
const serverUrl = (import.meta.env.VITE_SUPPORT_API_URL as string | undefined) || location.origin;

// Outside Telegram, a dev server (DEV_SIGN_IN; never in production) hands out test-user init data.
async function devInitData(): Promise<string> {
  const response = await fetch(`${serverUrl}/auth/dev`, { method: 'POST' });
  if (!response.ok) throw new Error('Open this Mini App from Telegram.');
  return ((await response.json()) as { initData: string }).initData;
}

const client = createSupportClient({
  serverUrl,
  signIn: async () => ({ telegramInitData: telegram.initData ?? (await devInitData()) }),
});

render(<App client={client} telegram={telegram} />, document.getElementById('app')!);
