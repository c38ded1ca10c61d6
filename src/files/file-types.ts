import { fileTypeFromBuffer } from 'file-type';

// How many leading bytes decide the type: file-type's own "reasonable detection size".
export const SNIFF_BYTES = 4100;

export const TEXT_CONTENT_TYPE = 'text/plain; charset=utf-8';

export interface AllowedType {
  contentType: string;
  // Extensions a stored name may keep; the first is appended when the client's name has another.
  extensions: readonly string[];
  inline: boolean;
}

// The allow-list, keyed by the MIME type file-type reports for the leading bytes.
const ALLOWED_BY_DETECTED_MIME: Readonly<Record<string, AllowedType>> = {
  'image/jpeg': { contentType: 'image/jpeg', extensions: ['jpg', 'jpeg'], inline: true },
  'image/png': { contentType: 'image/png', extensions: ['png'], inline: true },
  'image/gif': { contentType: 'image/gif', extensions: ['gif'], inline: true },
  'image/webp': { contentType: 'image/webp', extensions: ['webp'], inline: true },
  'image/bmp': { contentType: 'image/bmp', extensions: ['bmp'], inline: true },
  'application/pdf': { contentType: 'application/pdf', extensions: ['pdf'], inline: true },
  'video/mp4': { contentType: 'video/mp4', extensions: ['mp4'], inline: true },
};

export const TEXT_TYPE: AllowedType = { contentType: TEXT_CONTENT_TYPE, extensions: ['txt', 'log', 'csv', 'md'], inline: true };

const ALL_TYPES = [...Object.values(ALLOWED_BY_DETECTED_MIME), TEXT_TYPE];
// The Content-Type values a stored file can be served with (documented in the OpenAPI).
export const ALLOWED_CONTENT_TYPES = ALL_TYPES.map((type) => type.contentType);

// Markup is text that a browser (or a careless viewer) would render: refused even though it is UTF-8.
const MARKUP_START = /^(?:\uFEFF)?\s*</;
const MARKUP_ANYWHERE = /<\s*(?:html|svg|script|iframe|object|embed|body|head|meta|!doctype|\?xml)\b/i;

export type Detection = { kind: 'binary'; type: AllowedType } | { kind: 'text' } | { kind: 'rejected' };

// Decides from the first bytes only; `complete` says the head is the whole file (small files).
export async function detectType(head: Buffer, complete: boolean): Promise<Detection> {
  const detected = await fileTypeFromBuffer(head);
  if (detected) {
    const allowed = ALLOWED_BY_DETECTED_MIME[detected.mime];
    return allowed ? { kind: 'binary', type: allowed } : { kind: 'rejected' };
  }
  return looksLikePlainText(head, complete) ? { kind: 'text' } : { kind: 'rejected' };
}

function looksLikePlainText(head: Buffer, complete: boolean): boolean {
  if (head.length === 0 || head.includes(0)) return false;
  let text: string;
  try {
    // A head cut mid-way through a multi-byte character is fine unless it is the whole file.
    text = new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: !complete });
  } catch {
    return false;
  }
  return !MARKUP_START.test(text) && !MARKUP_ANYWHERE.test(text);
}

// Checks the rest of a text upload chunk by chunk: valid UTF-8 across chunk boundaries, no NUL.
export class Utf8TextValidator {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  // Returns false as soon as the bytes stop being plain text.
  accept(chunk: Buffer): boolean {
    if (chunk.includes(0)) return false;
    try {
      this.decoder.decode(chunk, { stream: true });
      return true;
    } catch {
      return false;
    }
  }

  finish(): boolean {
    try {
      this.decoder.decode();
      return true;
    } catch {
      return false;
    }
  }
}

export function typeForContentType(contentType: string): AllowedType | undefined {
  return ALL_TYPES.find((type) => type.contentType === contentType);
}

// Inline only for what a browser shows safely as itself; anything else downloads.
export function isInline(contentType: string): boolean {
  return typeForContentType(contentType)?.inline ?? false;
}
