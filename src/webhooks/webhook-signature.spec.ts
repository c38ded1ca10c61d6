import { createHmac } from 'node:crypto';
import { isValidSignature } from './webhook-signature';

const SECRET = 'test-intercom-client-secret';
const raw = Buffer.from('{"type":"notification_event","id":"notif_1","topic":"ping"}');
const sign = (body: Buffer, secret = SECRET): string => `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`;

describe(isValidSignature.name, () => {
  it('accepts the HMAC-SHA1 of the raw bytes', () => {
    expect(isValidSignature(raw, sign(raw), SECRET)).toBe(true);
  });

  it('accepts upper-case hex', () => {
    expect(isValidSignature(raw, sign(raw).toUpperCase().replace('SHA1=', 'sha1='), SECRET)).toBe(true);
  });

  it('rejects a signature made with another secret', () => {
    expect(isValidSignature(raw, sign(raw, 'another-secret-0123456789'), SECRET)).toBe(false);
  });

  it('rejects a missing or repeated header', () => {
    expect(isValidSignature(raw, undefined, SECRET)).toBe(false);
    expect(isValidSignature(raw, [sign(raw), sign(raw)], SECRET)).toBe(false);
  });

  it('rejects a wrong prefix or a truncated digest', () => {
    expect(isValidSignature(raw, sign(raw).replace('sha1=', 'sha256='), SECRET)).toBe(false);
    expect(isValidSignature(raw, sign(raw).slice(5), SECRET)).toBe(false);
    expect(isValidSignature(raw, sign(raw).slice(0, -2), SECRET)).toBe(false);
  });

  it('rejects the signature of a re-serialised body', () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(raw.toString()), null, 2));
    expect(isValidSignature(reserialised, sign(raw), SECRET)).toBe(false);
  });
});
