import { ConfigError } from './env-reader';

// CORS_ORIGINS: exact origins only (scheme://host[:port]); a wildcard is refused rather than trusted.
export function parseCorsOrigins(value: string | undefined, fallbackOrigin: string): string[] {
  if (value === undefined || value.trim() === '') return [new URL(fallbackOrigin).origin];
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      if (entry.includes('*')) throw new ConfigError('CORS_ORIGINS must list exact origins; "*" is not allowed');
      const origin = URL.canParse(entry) ? new URL(entry).origin : 'null';
      if (origin === 'null' || origin !== entry.replace(/\/$/, '')) {
        throw new ConfigError(`CORS_ORIGINS entries must be origins like https://app.example.com, got "${entry}"`);
      }
      return origin;
    });
}
