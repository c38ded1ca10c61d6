import { createHmac, randomBytes } from 'node:crypto';

// Telegram's documented algorithm, written out independently of the library the BFF validates
// with (@telegram-apps/init-data-node), so tests do not check the library against itself:
// HMAC-SHA256 over the sorted key=value lines, keyed by HMAC-SHA256("WebAppData", bot token).
export function signInitDataFields(fields: Record<string, string>, botToken: string): string {
  const dataCheckString = Object.keys(fields)
    .sort()
    .map((key) => `${key}=${fields[key]}`)
    .join('\n');
  const secretKey = createHmac('sha256', 'WebAppData').update(botToken).digest();
  const hash = createHmac('sha256', secretKey).update(dataCheckString).digest('hex');
  return new URLSearchParams({ ...fields, hash }).toString();
}

// Mini App init data signed the way Telegram signs it. Like Telegram's own it carries `signature`
// (Ed25519, for third-party validation; Telegram's key, so random here), which @telegram-apps/sdk
// requires in the launch parameters.
export function signedInitData(
  botToken: string,
  user: { id: number; first_name: string; language_code?: string },
  extra: Record<string, string> = {},
): string {
  return signInitDataFields(
    {
      auth_date: String(Math.floor(Date.now() / 1000)),
      user: JSON.stringify(user),
      signature: randomBytes(64).toString('base64url'),
      ...extra,
    },
    botToken,
  );
}
