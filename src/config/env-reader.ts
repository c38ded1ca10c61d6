export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const NO_DEFAULT = Symbol('no default');

// Reads one variable at a time and fails with a message naming it; secret values never appear in messages.
export class EnvReader {
  constructor(private readonly env: NodeJS.ProcessEnv) {}

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(name: string, fallback: string | typeof NO_DEFAULT = NO_DEFAULT): string {
    const value = this.raw(name);
    if (value !== undefined) return value;
    if (fallback === NO_DEFAULT) throw new ConfigError(`${name} is required`);
    return fallback;
  }

  optionalString(name: string): string | undefined {
    return this.raw(name);
  }

  secret(name: string, fallback: string | typeof NO_DEFAULT = NO_DEFAULT): string {
    const value = this.string(name, fallback);
    if (value.length < 16) throw new ConfigError(`${name} must be at least 16 characters long`);
    return value;
  }

  optionalSecret(name: string): string | undefined {
    return this.raw(name) === undefined ? undefined : this.secret(name);
  }

  int(name: string, fallback: number, range: { min?: number; max?: number } = {}): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^-?\d+$/.test(value)) throw new ConfigError(`${name} must be an integer, got "${value}"`);
    const parsed = Number(value);
    if (range.min !== undefined && parsed < range.min) throw new ConfigError(`${name} must be >= ${range.min}`);
    if (range.max !== undefined && parsed > range.max) throw new ConfigError(`${name} must be <= ${range.max}`);
    return parsed;
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['true', '1', 'yes'].includes(value)) return true;
    if (['false', '0', 'no'].includes(value)) return false;
    throw new ConfigError(`${name} must be true or false, got "${value}"`);
  }

  oneOf<const T extends readonly string[]>(name: string, allowed: T, fallback: T[number]): T[number] {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!allowed.includes(value)) throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${value}"`);
    return value;
  }

  url(name: string, fallback: string): string {
    const value = this.string(name, fallback);
    this.assertUrl(name, value);
    return value;
  }

  optionalUrl(name: string): string | undefined {
    const value = this.raw(name);
    if (value !== undefined) this.assertUrl(name, value);
    return value;
  }

  private assertUrl(name: string, value: string): void {
    if (!URL.canParse(value)) throw new ConfigError(`${name} must be a valid URL`);
  }
}
