import { loadConfig } from './config';

describe('loadConfig', () => {
  it('gives a complete dev configuration from an empty environment', () => {
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
