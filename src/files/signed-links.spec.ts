import { FileLinkSigner } from './signed-links';

const ID = '3f1c2b7e-8a4d-4c1e-9b2a-1d2e3f4a5b6c';
const NOW = 1_750_000_000_000;

describe(FileLinkSigner.name, () => {
  const signer = new FileLinkSigner('a-file-link-secret-of-enough-length');
  const { expiresAt, token } = signer.sign(ID, NOW + 60_000);

  it('accepts its own signature until the expiry', () => {
    expect(signer.verify(ID, String(expiresAt), token, NOW)).toBe(true);
    expect(signer.verify(ID, String(expiresAt), token, expiresAt)).toBe(true);
    expect(signer.verify(ID, String(expiresAt), token, expiresAt + 1)).toBe(false);
  });

  it('rejects another file, another expiry, another secret and a flipped bit', () => {
    expect(signer.verify('00000000-0000-4000-8000-000000000000', String(expiresAt), token, NOW)).toBe(false);
    expect(signer.verify(ID, String(expiresAt + 1), token, NOW)).toBe(false);
    expect(new FileLinkSigner('another-secret-of-enough-length!').verify(ID, String(expiresAt), token, NOW)).toBe(false);
    const flipped = (token.startsWith('0') ? '1' : '0') + token.slice(1);
    expect(signer.verify(ID, String(expiresAt), flipped, NOW)).toBe(false);
  });

  it.each([
    ['missing values', undefined, undefined],
    ['an array (repeated query parameter)', [String(NOW + 60_000)], 'x'],
    ['a non-numeric expiry', 'soon', 'x'],
    ['a short token', String(NOW + 60_000), 'abcd'],
    ['an upper-case token', String(NOW + 60_000), 'A'.repeat(64)],
  ])('rejects %s without throwing', (_label, expiry, candidate) => {
    expect(signer.verify(ID, expiry, candidate, NOW)).toBe(false);
  });
});
