import { deflateSync, gzipSync } from 'node:zlib';

// Real bytes of each allowed type (and of things that must be refused), made here rather than
// checked in, so every test shows what it sends.

function crc32(bytes: Buffer): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

// A valid RGB PNG of the given size (random pixels, so it barely compresses: size ≈ w*h*3).
export function png(width = 2, height = 2): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let index = 0; index < rows.length; index += 1) rows[index] = index % (width * 3 + 1) === 0 ? 0 : (index * 7919) % 251;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(rows, { level: 0 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

// Any signature followed by filler, to reach an exact size.
export function padded(prefix: Buffer, size: number): Buffer {
  const bytes = Buffer.alloc(size, 0x41);
  prefix.copy(bytes);
  return bytes;
}

export function jpeg(): Buffer {
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, Buffer.from([0xff, 0xd9])]);
}

export function gif(): Buffer {
  return Buffer.from('47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b', 'hex');
}

export function webp(): Buffer {
  return Buffer.from('UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==', 'base64');
}

export function bmp(): Buffer {
  const pixels = Buffer.from([0x00, 0x00, 0xff, 0x00]); // one red pixel, row padded to 4 bytes
  const file = Buffer.alloc(14 + 40 + pixels.length);
  file.write('BM', 0, 'ascii');
  file.writeUInt32LE(file.length, 2);
  file.writeUInt32LE(54, 10);
  file.writeUInt32LE(40, 14);
  file.writeInt32LE(1, 18);
  file.writeInt32LE(1, 22);
  file.writeUInt16LE(1, 26);
  file.writeUInt16LE(24, 28);
  file.writeUInt32LE(pixels.length, 34);
  pixels.copy(file, 54);
  return file;
}

export function pdf(): Buffer {
  return Buffer.from(
    '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n' +
      'trailer << /Root 1 0 R >>\n%%EOF\n',
    'latin1',
  );
}

function box(type: string, payload: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeUInt32BE(8 + payload.length);
  return Buffer.concat([size, Buffer.from(type, 'ascii'), payload]);
}

export function mp4(): Buffer {
  const ftyp = box(
    'ftyp',
    Buffer.concat([Buffer.from('isom', 'ascii'), Buffer.from([0, 0, 2, 0]), Buffer.from('isomiso2avc1mp41', 'ascii')]),
  );
  return Buffer.concat([ftyp, box('free', Buffer.alloc(8)), box('mdat', Buffer.alloc(64, 1))]);
}

// Multi-byte UTF-8 repeated past several stream chunks, so characters straddle chunk boundaries.
export function utf8Text(size = 200_000): Buffer {
  const line = 'Платёж не прошёл 💸 — order #42, see screenshot\n';
  return Buffer.from(line.repeat(Math.ceil(size / Buffer.byteLength(line))), 'utf8');
}

export const rejected = {
  svg: () => Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
  html: () => Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>'),
  htmlAfterText: () => Buffer.from('Hello support,\n<script>alert(1)</script>\n'),
  elf: () => padded(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]), 4096),
  windowsExe: () => padded(Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff', 'latin1'), 4096),
  zip: () => padded(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00]), 1024),
  gzip: () => gzipSync(Buffer.from('not an allowed type')),
  // Markup first, a real PNG after it: browsers sniff the start, so the start decides.
  htmlPngPolyglot: () => Buffer.concat([Buffer.from('<html><script>alert(1)</script>'), png()]),
  textWithNul: () => Buffer.from('looks like text\u0000but is not'),
  invalidUtf8: () => Buffer.from([0x68, 0x69, 0xc3, 0x28, 0x0a]),
  // Valid UTF-8 for the first 100 KB (well past the sniffed head), then a stray byte.
  invalidUtf8Late: () => Buffer.concat([utf8Text(100_000), Buffer.from([0xff, 0x0a])]),
};
