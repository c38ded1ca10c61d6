import { detectType, TEXT_CONTENT_TYPE, Utf8TextValidator, isInline } from './file-types';

const PNG_SIGNATURE = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

describe('detectType', () => {
  it('recognises an allowed binary type from its signature', async () => {
    expect(await detectType(Buffer.concat([PNG_SIGNATURE, Buffer.alloc(64)]), true)).toEqual({
      kind: 'binary',
      type: expect.objectContaining({ contentType: 'image/png' }),
    });
  });

  it('rejects a known type that is not on the allow-list', async () => {
    expect(await detectType(Buffer.from('504b0304140000000800', 'hex'), true)).toEqual({ kind: 'rejected' });
  });

  it('treats UTF-8 without NUL as text, also when the head ends inside a character', async () => {
    expect(await detectType(Buffer.from('привет, support'), true)).toEqual({ kind: 'text' });
    const cut = Buffer.from('привет').subarray(0, 3);
    expect(await detectType(cut, false)).toEqual({ kind: 'text' });
    expect(await detectType(cut, true)).toEqual({ kind: 'rejected' });
  });

  it.each([
    ['markup at the start', '  <div>hi</div>'],
    ['a script tag later on', 'see below\n<script>alert(1)</script>'],
    ['an svg element', 'text <svg onload=alert(1)>'],
    ['a NUL byte', 'abc\u0000def'],
  ])('rejects text with %s', async (_label, text) => {
    expect(await detectType(Buffer.from(text), true)).toEqual({ kind: 'rejected' });
  });

  it('rejects an empty head', async () => {
    expect(await detectType(Buffer.alloc(0), true)).toEqual({ kind: 'rejected' });
  });
});

describe(Utf8TextValidator.name, () => {
  it('accepts a character split across chunks', () => {
    const bytes = Buffer.from('€');
    const validator = new Utf8TextValidator();
    expect(validator.accept(bytes.subarray(0, 1))).toBe(true);
    expect(validator.accept(bytes.subarray(1))).toBe(true);
    expect(validator.finish()).toBe(true);
  });

  it('rejects invalid bytes, NUL, and a character left unfinished at the end', () => {
    expect(new Utf8TextValidator().accept(Buffer.from([0xff]))).toBe(false);
    expect(new Utf8TextValidator().accept(Buffer.from([0x61, 0x00]))).toBe(false);
    const unfinished = new Utf8TextValidator();
    expect(unfinished.accept(Buffer.from('€').subarray(0, 2))).toBe(true);
    expect(unfinished.finish()).toBe(false);
  });
});

describe('isInline', () => {
  it('shows allowed types inline and anything else as an attachment', () => {
    expect(isInline('image/png')).toBe(true);
    expect(isInline(TEXT_CONTENT_TYPE)).toBe(true);
    expect(isInline('application/octet-stream')).toBe(false);
  });
});
