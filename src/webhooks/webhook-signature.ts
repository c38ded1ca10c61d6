import { createHmac, timingSafeEqual } from 'node:crypto';

const SIGNATURE = /^sha1=([0-9a-f]{40})$/i;

// Intercom signs the raw body: `X-Hub-Signature: sha1=<hex HMAC-SHA1(raw, client secret)>`.
// Compared in constant time; anything missing or malformed is simply not valid.
export function isValidSignature(rawBody: Buffer, header: string | string[] | undefined, clientSecret: string): boolean {
  if (typeof header !== 'string') return false;
  const match = SIGNATURE.exec(header.trim());
  if (!match) return false;
  const expected = createHmac('sha1', clientSecret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(match[1], 'hex'));
}
