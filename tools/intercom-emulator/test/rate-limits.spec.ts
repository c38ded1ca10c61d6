import type { RunningEmulator } from '../src';
import { RateLimits } from '../src/rate-limits';
import { client, start } from './helpers';

// Intercom's Rate Limiting page: per-app and per-workspace limits in 10-second windows, the
// X-RateLimit-* headers on every authenticated answer, 429 rate_limit_exceeded without Retry-After.
describe('rate limits', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await start({ rateLimits: { perAppPerMinute: 30, perWorkspacePerMinute: 48 } }); // 5 and 8 per window
  });
  afterAll(() => emu.close());

  it('sends X-RateLimit-* on every authenticated answer and 429 past the app limit, without Retry-After', async () => {
    const api = client(emu, 'app-one');
    // Six calls must share one window: start early in one (windows are aligned to 10 s).
    const intoWindow = Date.now() % 10_000;
    if (intoWindow > 6_000) await new Promise((resolve) => setTimeout(resolve, 10_050 - intoWindow));
    const answers = [];
    for (let index = 0; index < 6; index += 1) answers.push(await api('GET', '/admins'));
    expect(new Set(answers.map((answer) => answer.headers.get('x-ratelimit-reset'))).size).toBe(1);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 429]);
    expect(answers.map((answer) => answer.headers.get('x-ratelimit-remaining'))).toEqual(['4', '3', '2', '1', '0', '0']);
    expect(answers[5].headers.get('retry-after')).toBeNull();
    expect(answers[5].body.errors[0]).toEqual({ code: 'rate_limit_exceeded', message: 'Exceeded rate limit of 5 in 10_seconds' });
    for (const answer of answers) {
      expect(answer.headers.get('x-ratelimit-limit')).toBe('5');
      const reset = Number(answer.headers.get('x-ratelimit-reset'));
      expect(reset % 10).toBe(0);
      expect(reset * 1000).toBeGreaterThan(Date.now() - 1000);
    }
    // No credentials: 401 and no rate-limit headers.
    const anonymous = await client(emu, null)('GET', '/admins');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('x-ratelimit-limit')).toBeNull();
  });

  it('counts per app and per workspace in aligned 10-second windows', () => {
    let now = 1_000_000_000_000; // a window boundary
    const limits = new RateLimits({ perAppPerMinute: 30, perWorkspacePerMinute: 48 }, () => now);
    const take = (app: string, times: number) => Array.from({ length: times }, () => limits.take(app).allowed);
    expect(take('a', 6)).toEqual([true, true, true, true, true, false]);
    expect(take('b', 4)).toEqual([true, true, true, false]); // the workspace's 8 are used up
    expect(limits.take('c').message).toBe('Exceeded rate limit of 8 in 10_seconds');
    now += 9_999;
    expect(limits.take('b').allowed).toBe(false);
    now += 1;
    const fresh = limits.take('a');
    expect(fresh).toMatchObject({ allowed: true, headers: { 'x-ratelimit-remaining': '4', 'x-ratelimit-reset': '1000000020' } });
  });
});
