import type { AllowedType } from './file-types';

const MAX_NAME_LENGTH = 200;
// Control characters, path separators and characters that Windows or shells treat specially.
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f/\\:*?"<>|]/g;
// Bidirectional overrides make "gpj.exe" display as "exe.jpg".
const BIDI_CONTROLS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

// The client's name is kept for display only: no directories, no control or bidi characters,
// bounded length, and an extension that matches the detected type (so a PNG named x.html is x.html.png).
export function sanitizeFileName(original: string | undefined, type: AllowedType): string {
  const base = (original ?? '').split(/[/\\]/).pop() ?? '';
  let name = base.normalize('NFC').replace(BIDI_CONTROLS, '').replace(UNSAFE_CHARACTERS, '_').trim();
  name = name.replace(/^\.+/, '').slice(0, MAX_NAME_LENGTH).trim();
  if (!name) name = 'file';
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  return type.extensions.includes(extension) ? name : `${name}.${type.extensions[0]}`;
}

// RFC 6266 / RFC 5987: an ASCII fallback in filename= and the exact name in filename*=.
export function contentDisposition(name: string, inline: boolean): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${inline ? 'inline' : 'attachment'}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
