import { createHmac, randomBytes } from 'node:crypto';

// Mini App init data signed the way Telegram signs it (HMAC-SHA256 keyed by the bot token). Like
// Telegram's own it carries `signature` (Ed25519, for third-party validation; Telegram's key, so
// random here), which @telegram-apps/sdk requires in the launch parameters.
export function signedInitData(botToken: string, user: { id: number; first_name: string }, extra: Record<string, string> = {}): string {
  const fields: Record<string, string> = {
    auth_date: String(Math.floor(Date.now() / 1000)),
    user: JSON.stringify(user),
    signature: randomBytes(64).toString('base64url'),
    ...extra,
  };
  const dataCheckString = Object.keys(fields)
    .sort()
    .map((key) => `${key}=${fields[key]}`)
    .join('\n');
  const secretKey = createHmac('sha256', 'WebAppData').update(botToken).digest();
  const hash = createHmac('sha256', secretKey).update(dataCheckString).digest('hex');
  return new URLSearchParams({ ...fields, hash }).toString();
}
