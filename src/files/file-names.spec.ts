import { contentDisposition, sanitizeFileName } from './file-names';
import { TEXT_TYPE, type AllowedType } from './file-types';

const PNG: AllowedType = { contentType: 'image/png', extensions: ['png'], inline: true };

describe('sanitizeFileName', () => {
  it('keeps a reasonable name as it is', () => {
    expect(sanitizeFileName('Screenshot 2024-06-01.png', PNG)).toBe('Screenshot 2024-06-01.png');
  });

  it('drops directories, control and bidi characters, and leading dots', () => {
    expect(sanitizeFileName('../../etc/passwd', TEXT_TYPE)).toBe('passwd.txt');
    expect(sanitizeFileName('C:\\Users\\a\\shot.png', PNG)).toBe('shot.png');
    expect(sanitizeFileName('a\u0000b\r\n.png', PNG)).toBe('a_b__.png');
    expect(sanitizeFileName('\u202egnp.exe', PNG)).toBe('gnp.exe.png');
    expect(sanitizeFileName('...hidden.png', PNG)).toBe('hidden.png');
  });

  it('makes the extension match the detected type', () => {
    expect(sanitizeFileName('invoice.html', PNG)).toBe('invoice.html.png');
    expect(sanitizeFileName('photo.PNG', PNG)).toBe('photo.PNG');
    expect(sanitizeFileName('notes.log', TEXT_TYPE)).toBe('notes.log');
  });

  it('falls back to a generic name and bounds the length', () => {
    expect(sanitizeFileName(undefined, PNG)).toBe('file.png');
    expect(sanitizeFileName('///', PNG)).toBe('file.png');
    expect(sanitizeFileName(`${'x'.repeat(500)}.png`, PNG).length).toBeLessThanOrEqual(204);
  });

  it('cuts at 200 code points, never between the halves of a surrogate pair', () => {
    const name = sanitizeFileName(`${'a'.repeat(199)}😀😀.png`, PNG);
    expect(name).toBe(`${'a'.repeat(199)}😀.png`);
    expect(() => encodeURIComponent(name)).not.toThrow();
    expect([...sanitizeFileName('😀'.repeat(300), PNG)]).toHaveLength(204);
    // A lone half from the client becomes U+FFFD.
    expect(sanitizeFileName('a\ud83d.png', PNG)).toBe('a\ufffd.png');
  });
});

describe('contentDisposition', () => {
  it('gives an ASCII fallback and the exact UTF-8 name (RFC 6266)', () => {
    expect(contentDisposition('отчёт (1).pdf', true)).toBe(
      `inline; filename="_____ (1).pdf"; filename*=UTF-8''%D0%BE%D1%82%D1%87%D1%91%D1%82%20%281%29.pdf`,
    );
  });

  it('cannot be broken out of with quotes, backslashes or semicolons', () => {
    expect(contentDisposition('a";b\\c.txt', false)).toBe(`attachment; filename="a__b_c.txt"; filename*=UTF-8''a%22%3Bb%5Cc.txt`);
  });
});
