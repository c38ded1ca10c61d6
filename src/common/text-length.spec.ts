import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { codePointLength, TextLength } from './text-length';

class Sample {
  @TextLength(2, 3)
  text!: string;
}

const errorsFor = (text: unknown) => validateSync(plainToInstance(Sample, { text })).length;

describe('codePointLength', () => {
  it('counts code points the way JSON Schema does', () => {
    expect(codePointLength('')).toBe(0);
    expect(codePointLength('abc')).toBe(3);
    expect(codePointLength('😀😀')).toBe(2); // two surrogate pairs
    expect(codePointLength('a\uFE0F')).toBe(2); // a variation selector is a code point
    expect(codePointLength('\uD800a')).toBe(2); // a lone surrogate counts as one
    expect(codePointLength('\uDC00\uD800')).toBe(2); // reversed pair: two lone surrogates
  });
});

describe('TextLength', () => {
  it('accepts min..max code points and refuses anything else', () => {
    expect(errorsFor('😀😀')).toBe(0); // 4 UTF-16 units, 2 code points
    expect(errorsFor('😀😀😀')).toBe(0);
    expect(errorsFor('a\uFE0F')).toBe(0); // class-validator's Length would count this as 1
    expect(errorsFor('a')).toBe(1);
    expect(errorsFor('abcd')).toBe(1);
    expect(errorsFor(12)).toBe(1);
  });
});
