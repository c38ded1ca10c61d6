// Masks anything in a free string that looks like personal data or a credential. Order matters:
// the most specific shapes first so a JWT is not half-eaten by the e-mail or token patterns.
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
const BEARER = /\bbearer\s+\S+/gi;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
// Full or '::'-compressed IPv6, not glued to other word characters (so `Foo::bar` is left alone).
const IPV6 =
  /(?<![\w:])(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,6}(?::[0-9A-Fa-f]{1,4}){1,6}|(?:[0-9A-Fa-f]{1,4}:){1,7}:|::(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{1,4})(?![\w:])/g;
const IPV4 = /\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b/g;
// A run of digits with the separators people type (spaces, dashes, dots, brackets, leading +).
const DIGIT_RUN = /\+?\(?\d[\d\s().-]{5,}\d/g;
// Long opaque strings (API keys, push tokens, session ids), 20+ chars; see looksOpaque.
const OPAQUE = /[A-Za-z0-9_\-+/=:]{20,}/g;

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

function maskDigits(match: string): string {
  const digits = match.replace(/\D/g, '');
  if (digits.length >= 13 && digits.length <= 19 && luhnValid(digits)) return '[card]';
  // Eight or more digits: a phone, account or card-like number; shorter runs are codes and counts.
  return digits.length >= 8 ? '[phone]' : match;
}

// Random-looking: mixed-case base64-ish with digits, long hex, or digit-heavy. Readable
// snake_case event names such as `checkout_failed_3ds_step_2` stay.
function looksOpaque(match: string): boolean {
  const digits = match.replace(/\D/g, '').length;
  const mixedCase = /[a-z]/.test(match) && /[A-Z]/.test(match);
  return (mixedCase && digits > 0) || /^[0-9a-f]{32,}$/i.test(match) || digits >= 6;
}

export function redact(value: string): string {
  return value
    .replace(JWT, '[jwt]')
    .replace(BEARER, '[token]')
    .replace(EMAIL, '[email]')
    .replace(IPV6, '[ip]')
    .replace(IPV4, '[ip]')
    .replace(OPAQUE, (match) => (looksOpaque(match) ? '[token]' : match))
    .replace(DIGIT_RUN, maskDigits);
}
