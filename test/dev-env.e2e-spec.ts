import { applyDevEnvironment } from '../scripts/dev-env';

describe('npm run dev environment', () => {
  it('runs in development mode (dev secrets), unless NODE_ENV is set', () => {
    const env: NodeJS.ProcessEnv = {};
    applyDevEnvironment(env, false);
    expect(env.NODE_ENV).toBe('development');
    const chosen: NodeJS.ProcessEnv = { NODE_ENV: 'production' };
    applyDevEnvironment(chosen, false);
    expect(chosen.NODE_ENV).toBe('production');
  });

  it('picks pretty logs on a terminal and JSON when piped, unless LOG_FORMAT is set', () => {
    const tty: NodeJS.ProcessEnv = {};
    applyDevEnvironment(tty, true);
    expect(tty.LOG_FORMAT).toBe('pretty');
    const piped: NodeJS.ProcessEnv = {};
    applyDevEnvironment(piped, false);
    expect(piped.LOG_FORMAT).toBe('json');
    const chosen: NodeJS.ProcessEnv = { LOG_FORMAT: 'json' };
    applyDevEnvironment(chosen, true);
    expect(chosen.LOG_FORMAT).toBe('json');
  });

  it("takes the checkout's commit for /health unless GIT_COMMIT is set", () => {
    const env: NodeJS.ProcessEnv = {};
    applyDevEnvironment(env, false);
    expect(env.GIT_COMMIT).toMatch(/^[0-9a-f]{40}$/);
    const given: NodeJS.ProcessEnv = { GIT_COMMIT: 'abcdef0' };
    applyDevEnvironment(given, false);
    expect(given.GIT_COMMIT).toBe('abcdef0');
  });
});
