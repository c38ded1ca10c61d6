import { cutCodePoints, isSafeText, SAFE_NOT_BLANK_PATTERN, SAFE_TEXT_PATTERN, storableJson, unsafeTextPath } from './safe-text';

describe('safe text', () => {
  it('refuses U+0000 and lone surrogates, and nothing else (a surrogate pair is one character)', () => {
    for (const text of ['\u0000', 'a\u0000', '\uD800', 'x\uDBFF', '\uDC00y', '😀\uD83D']) expect(isSafeText(text)).toBe(false);
    for (const text of ['', 'plain', '😀', '𝒳\u200b\uFFFD\t\n\u0001']) expect(isSafeText(text)).toBe(true);
  });

  it('says the same in its JSON Schema patterns', () => {
    const safe = new RegExp(SAFE_TEXT_PATTERN, 'u');
    const notBlank = new RegExp(SAFE_NOT_BLANK_PATTERN, 'u');
    for (const text of ['', 'plain', '😀', ' \t ']) expect(safe.test(text)).toBe(true);
    for (const text of ['a\u0000', '\uD800']) expect([safe.test(text), notBlank.test(text)]).toEqual([false, false]);
    expect([notBlank.test(''), notBlank.test(' \n '), notBlank.test(' 😀 ')]).toEqual([false, false, true]);
  });

  it('names the first unsafe field, nested values and keys included', () => {
    expect(unsafeTextPath({ a: 'ok', b: { c: ['fine', 'x\u0000'] } })).toBe('b.c.1');
    expect(unsafeTextPath({ meta: { ['k\uD800']: 1 } })).toBe('meta (a key)');
    expect(unsafeTextPath('\u0000', 'id')).toBe('id');
    expect(unsafeTextPath({ n: 1, t: true, z: null, s: 'ok' })).toBeUndefined();
  });

  it('makes any JSON value storable, leaving a clean one untouched', () => {
    const clean = { a: ['b', 1] };
    expect(storableJson(clean)).toBe(clean);
    expect(storableJson({ ['k\u0000']: ['x\uD800y', 2, null], ok: '😀' })).toEqual({ 'k\uFFFD': ['x\uFFFDy', 2, null], ok: '😀' });
  });

  it('cuts at a code point, never inside a surrogate pair', () => {
    expect(cutCodePoints('ab😀cd', 3)).toBe('ab😀');
    expect(cutCodePoints('😀😀😀', 2)).toBe('😀😀');
    expect(cutCodePoints('short', 10)).toBe('short');
  });
});
