import { isDigits } from './digits';

describe('isDigits', () => {
  it('accepts 1 to maxLength ASCII digits', () => {
    expect(isDigits('0', 3)).toBe(true);
    expect(isDigits('123', 3)).toBe(true);
  });

  it('rejects empty, too long, signs, dots, spaces and non-ASCII digits', () => {
    for (const text of ['', '1234', '-1', '+1', '1.5', '1e3', ' 1', '1 ', '١٢', '１']) expect(isDigits(text, 3)).toBe(false);
  });
});
