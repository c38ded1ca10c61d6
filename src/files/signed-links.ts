import { createHmac, timingSafeEqual } from 'node:crypto';

const EXPIRY_PATTERN = /^\d{1,15}$/;
const TOKEN_PATTERN = /^[0-9a-f]{64}$/;

export interface LinkSignature {
  // Expiry, Unix ms.
  expiresAt: number;
  token: string;
}

// HMAC-SHA256 over "<id>.<expiry>" with FILE_LINK_SECRET: a link names one file until one moment.
export class FileLinkSigner {
  constructor(private readonly secret: string) {}

  sign(fileId: string, expiresAt: number): LinkSignature {
    return { expiresAt, token: this.mac(fileId, String(expiresAt)).toString('hex') };
  }

  // Anything malformed, expired or forged is simply "not valid"; callers answer 403 without detail.
  verify(fileId: string, expiry: unknown, token: unknown, now = Date.now()): boolean {
    if (typeof expiry !== 'string' || typeof token !== 'string') return false;
    if (!EXPIRY_PATTERN.test(expiry) || !TOKEN_PATTERN.test(token)) return false;
    if (Number(expiry) < now) return false;
    return timingSafeEqual(this.mac(fileId, expiry), Buffer.from(token, 'hex'));
  }

  private mac(fileId: string, expiry: string): Buffer {
    return createHmac('sha256', this.secret).update(`${fileId}.${expiry}`).digest();
  }
}
