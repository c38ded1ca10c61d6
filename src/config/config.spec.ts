import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEV_DEFAULTS, loadConfig as load } from './config';

// Development mode unless the case says otherwise (a case that passes NODE_ENV overrides it).
const loadConfig = (env: NodeJS.ProcessEnv) => load({ NODE_ENV: 'development', ...env });

// A complete production environment with secrets of its own.
const PRODUCTION: NodeJS.ProcessEnv = {
  NODE_ENV: 'production',
  INTERCOM_ACCESS_TOKEN: 'prod-intercom-access-token-0001',
  INTERCOM_CLIENT_SECRET: 'prod-intercom-client-secret-0001',
  INTERCOM_ADMIN_ID: '1',
  SESSION_JWT_SECRET: 'prod-session-secret-000000000001',
  HOST_JWT_SECRET: 'prod-host-secret-00000000000001',
  TELEGRAM_BOT_TOKEN: '42:prod-telegram-bot-token-0001',
  FILE_LINK_SECRET: 'prod-file-link-secret-0000000001',
  PUSH_MOBILE_SENDER: 'log',
  PUSH_TMA_SENDER: 'log',
};

describe('loadConfig', () => {
  it('reads the per-user file quota and the retention of unattached uploads, refusing a quota below one file', () => {
    expect(loadConfig({}).files).toMatchObject({ userQuotaBytes: 1024 * 1024 * 1024, unattachedRetentionHours: 24 });
    expect(loadConfig({ FILES_USER_QUOTA_MB: '50', FILES_UNATTACHED_RETENTION_HOURS: '2' }).files).toMatchObject({
      userQuotaBytes: 50 * 1024 * 1024,
      unattachedRetentionHours: 2,
    });
    expect(() => loadConfig({ FILES_USER_QUOTA_MB: '10', MAX_FILE_MB: '20' })).toThrow('FILES_USER_QUOTA_MB must be >= MAX_FILE_MB');
    expect(() => loadConfig({ FILES_UNATTACHED_RETENTION_HOURS: '0' })).toThrow('FILES_UNATTACHED_RETENTION_HOURS must be >= 1');
  });

  it('reads CONVERSATION_TOPICS as trimmed plain-text labels, refusing others at boot', () => {
    expect(loadConfig({}).conversations.topics).toBeUndefined();
    expect(loadConfig({ CONVERSATION_TOPICS: ' payments, cards ,Card limits (daily)' }).conversations.topics).toEqual([
      'payments',
      'cards',
      'Card limits (daily)',
    ]);
    for (const [value, message] of [
      ['payments,,cards', 'CONVERSATION_TOPICS: "" is not a plain-text label'],
      ['payments,<b>vip</b>', 'CONVERSATION_TOPICS: "<b>vip</b>" is not a plain-text label'],
      ['pay\u202ements', 'is not a plain-text label'],
      [`${'x'.repeat(101)}`, 'is not a plain-text label'],
      ['cards,payments,cards', 'CONVERSATION_TOPICS: "cards" is listed twice'],
    ]) {
      expect(() => loadConfig({ CONVERSATION_TOPICS: value })).toThrow(message);
    }
  });

  it('gives a complete dev configuration from an empty environment in development', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      logLevel: 'info',
      emulatorPort: 4010,
      files: { maxFilesPerMessage: 10, maxFileBytes: 20 * 1024 * 1024 },
    });
    expect(config.storage.s3).toBeUndefined();
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT must be an integer'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL must be one of'],
    [{ INTERCOM_BASE_URL: 'not a url' }, 'INTERCOM_BASE_URL must be a valid URL'],
    [{ SESSION_JWT_SECRET: 'short' }, 'SESSION_JWT_SECRET must be at least 16'],
    [{ S3_BUCKET: 'b', S3_FORCE_PATH_STYLE: 'maybe' }, 'S3_FORCE_PATH_STYLE must be true or false'],
    [{ CORS_ORIGINS: '*' }, 'CORS_ORIGINS must list exact origins'],
    [{ CORS_ORIGINS: 'https://a.example.com, https://*.example.com' }, 'CORS_ORIGINS must list exact origins'],
    [{ CORS_ORIGINS: 'https://a.example.com/app' }, 'CORS_ORIGINS entries must be origins'],
    [{ CORS_ORIGINS: 'not-an-origin' }, 'CORS_ORIGINS entries must be origins'],
  ])('names the bad variable: %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never puts a secret value in an error message', () => {
    expect(() => loadConfig({ SESSION_JWT_SECRET: 'tiny-secret' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('tiny-secret') }),
    );
  });

  it('requires explicit secrets in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow('INTERCOM_ACCESS_TOKEN is required');
    expect(load(PRODUCTION).production).toBe(true);
  });

  // #15 item 6: fails closed — only an explicit NODE_ENV=development is development.
  it.each([undefined, 'test', 'staging', 'prod', 'Development', 'dev'])('treats NODE_ENV=%s as production', (nodeEnv) => {
    expect(() => load({ NODE_ENV: nodeEnv })).toThrow(/INTERCOM_ACCESS_TOKEN is required \(NODE_ENV=.* is production/);
    expect(load({ ...PRODUCTION, NODE_ENV: nodeEnv }).production).toBe(true);
  });

  it('refuses in production every secret that ships in this repository (dev defaults, docker-compose values)', () => {
    const shipped: [string, string][] = [
      ['INTERCOM_ACCESS_TOKEN', DEV_DEFAULTS.intercomAccessToken],
      ['INTERCOM_CLIENT_SECRET', DEV_DEFAULTS.intercomClientSecret],
      ['SESSION_JWT_SECRET', DEV_DEFAULTS.sessionJwtSecret],
      ['HOST_JWT_SECRET', DEV_DEFAULTS.hostJwtSecret],
      ['TELEGRAM_BOT_TOKEN', DEV_DEFAULTS.telegramBotToken],
      ['FILE_LINK_SECRET', DEV_DEFAULTS.fileLinkSecret],
      ['SESSION_JWT_SECRET', 'compose-session-secret-0123456789'],
      ['HOST_JWT_SECRET', 'compose-host-secret-0123456789ab'],
      ['TELEGRAM_BOT_TOKEN', '123456789:compose-telegram-token'],
      ['FILE_LINK_SECRET', 'compose-file-link-secret-01234567'],
    ];
    for (const [name, value] of shipped) {
      expect(() => load({ ...PRODUCTION, [name]: value })).toThrow(`${name} is a published dev/compose value`);
      expect(() => loadConfig({ [name]: value })).not.toThrow();
    }
  });

  it('refuses in production one secret used for two keys (session = host, …)', () => {
    expect(() => load({ ...PRODUCTION, HOST_JWT_SECRET: PRODUCTION.SESSION_JWT_SECRET })).toThrow(
      'HOST_JWT_SECRET must differ from SESSION_JWT_SECRET',
    );
    expect(() => load({ ...PRODUCTION, FILE_LINK_SECRET: PRODUCTION.INTERCOM_CLIENT_SECRET })).toThrow(
      'FILE_LINK_SECRET must differ from INTERCOM_CLIENT_SECRET',
    );
  });

  it('docker-compose.yml ships no secret: each one is required (${VAR:?…})', () => {
    const compose = readFileSync(join(__dirname, '../../docker-compose.yml'), 'utf8');
    for (const name of [
      'INTERCOM_ACCESS_TOKEN',
      'INTERCOM_CLIENT_SECRET',
      'SESSION_JWT_SECRET',
      'HOST_JWT_SECRET',
      'TELEGRAM_BOT_TOKEN',
      'FILE_LINK_SECRET',
    ]) {
      expect(compose).toMatch(new RegExp(`${name}: \\$\\{${name}:\\?[^}]+\\}`));
    }
    expect(compose).not.toMatch(/SECRET[A-Z_]*: \$\{[A-Z_]+:-/);
  });

  it('`npm start` runs in production', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toMatch(/^NODE_ENV=production /);
  });

  it('bounds the age of host tokens (HOST_JWT_MAX_AGE_SECONDS)', () => {
    expect(loadConfig({}).hostJwt.maxAgeSeconds).toBe(300);
    expect(loadConfig({ HOST_JWT_MAX_AGE_SECONDS: '60' }).hostJwt.maxAgeSeconds).toBe(60);
    expect(() => loadConfig({ HOST_JWT_MAX_AGE_SECONDS: '0' })).toThrow('HOST_JWT_MAX_AGE_SECONDS must be >= 10');
  });

  it("allows the BFF's own origin by default and reads CORS_ORIGINS as a list", () => {
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://support.example.com/' }).corsOrigins).toEqual(['https://support.example.com']);
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example.com, http://localhost:5173/' }).corsOrigins).toEqual([
      'https://a.example.com',
      'http://localhost:5173',
    ]);
  });

  it('turns the dev sign-in on outside production and refuses it in production', () => {
    expect(loadConfig({}).tma).toEqual({ dir: 'apps/tma/dist', devSignIn: true });
    expect(loadConfig({ DEV_SIGN_IN: 'false' }).tma.devSignIn).toBe(false);
    expect(() => loadConfig({ NODE_ENV: 'production', DEV_SIGN_IN: 'true' })).toThrow('DEV_SIGN_IN must not be enabled in production');
  });

  it('reads S3 settings only when a bucket is set', () => {
    const config = loadConfig({ S3_BUCKET: 'files', S3_ENDPOINT: 'http://127.0.0.1:9000', S3_FORCE_PATH_STYLE: 'true' });
    expect(config.storage.s3).toMatchObject({ bucket: 'files', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true });
  });
});
