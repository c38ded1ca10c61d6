// Text no person wrote and Postgres cannot keep: `text` and `jsonb` refuse U+0000, `jsonb` refuses
// an unpaired UTF-16 surrogate. With the `u` flag a surrogate pair is one code point (outside
// D800-DFFF), so only a lone surrogate matches.
const UNSAFE = /[\u0000\uD800-\uDFFF]/u;
const UNSAFE_GLOBAL = /[\u0000\uD800-\uDFFF]/gu;

// The same rule as JSON Schema patterns (ECMA-262, matched per code point), for the OpenAPI.
export const SAFE_TEXT_PATTERN = '^[^\\u0000\\uD800-\\uDFFF]*$';
// Safe text with at least one character that is not white space.
export const SAFE_NOT_BLANK_PATTERN = '^[^\\u0000\\uD800-\\uDFFF]*[^\\s\\u0000\\uD800-\\uDFFF][^\\u0000\\uD800-\\uDFFF]*$';
export const UNSAFE_TEXT_MESSAGE = 'must not contain U+0000 or an unpaired surrogate';

export const isSafeText = (text: string): boolean => !UNSAFE.test(text);

// Where in a parsed JSON value the first unsafe string (or object key) is, as a field path
// (`meta.locale`, `items.0`); undefined when there is none.
export function unsafeTextPath(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return isSafeText(value) ? undefined : path || 'body';
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      const found = unsafeTextPath(value[index], path ? `${path}.${index}` : String(index));
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    // The key itself cannot be printed: name the object that holds it.
    if (!isSafeText(key)) return `${path || 'body'} (a key)`;
    const found = unsafeTextPath(item, path ? `${path}.${key}` : key);
    if (found) return found;
  }
  return undefined;
}

// A copy of a parsed JSON value that Postgres can store as jsonb: unsafe code units in strings and
// keys become U+FFFD. Returns the value itself when there is nothing to replace (the common case).
export function storableJson<T>(value: T): T {
  return unsafeTextPath(value) === undefined ? value : (clean(value) as T);
}

function clean(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(UNSAFE_GLOBAL, '\uFFFD');
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(clean);
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [clean(key) as string, clean(item)]));
}

// At most `max` code points, never ending on half a surrogate pair.
export function cutCodePoints(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = 0;
  let count = 0;
  while (cut < text.length && count < max) {
    const unit = text.charCodeAt(cut);
    const next = text.charCodeAt(cut + 1);
    cut += unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
    count += 1;
  }
  return text.slice(0, cut);
}
