import type { AllowedType } from './file-types';

// In code points (what a person counts as characters), not UTF-16 units.
const MAX_NAME_LENGTH = 200;
// Control characters, path separators and characters that Windows or shells treat specially.
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f/\\:*?"<>|]/g;
// Bidirectional overrides make "gpj.exe" display as "exe.jpg".
const BIDI_CONTROLS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// Half of a surrogate pair: not text, and encodeURIComponent (Content-Disposition) throws on it.
const LONE_SURROGATES = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

// The client's name is kept for display only: no directories, no control or bidi characters,
// bounded length, and an extension that matches the detected type (so a PNG named x.html is x.html.png).
export function sanitizeFileName(original: string | undefined, type: AllowedType): string {
  const base = (original ?? '').split(/[/\\]/).pop() ?? '';
  let name = base.replace(LONE_SURROGATES, '\ufffd').normalize('NFC').replace(BIDI_CONTROLS, '').replace(UNSAFE_CHARACTERS, '_').trim();
  // Cut by code points: a cut between the halves of a surrogate pair (an emoji) left half a
  // character, which made the upload a 500.
  name = [...name.replace(/^\.+/, '')].slice(0, MAX_NAME_LENGTH).join('').trim();
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
