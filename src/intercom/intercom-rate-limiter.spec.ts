import { IntercomRateLimiter } from './intercom-rate-limiter';

describe(IntercomRateLimiter.name, () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('holds a burst to the configured rate per 10-second window', async () => {
    // 60/min = 10 per 10 s window; callers may wait up to 60 s.
    const limiter = new IntercomRateLimiter(60, 60_000, () => Date.now());
    const started: number[] = [];
    const burst = Array.from({ length: 25 }, () => limiter.acquire().then(() => started.push(Date.now())));
    await jest.advanceTimersByTimeAsync(30_000);
    await Promise.all(burst);
    const perWindow = new Map<number, number>();
    for (const at of started) perWindow.set(Math.floor(at / 10_000), (perWindow.get(Math.floor(at / 10_000)) ?? 0) + 1);
    expect([...perWindow.values()]).toEqual([10, 10, 5]);
  });

  it('fails fast instead of queueing beyond the maximum wait', async () => {
    const limiter = new IntercomRateLimiter(6, 500, () => Date.now()); // 1 call per window
    await limiter.acquire();
    await expect(limiter.acquire()).rejects.toMatchObject({ code: 'service_unavailable' });
  });

  it('pauses every call until a 429 reset time', async () => {
    const limiter = new IntercomRateLimiter(10_000, 5_000, () => Date.now());
    limiter.pauseUntil(Date.now() + 2_000);
    let done = false;
    const waiting = limiter.acquire().then(() => (done = true));
    await jest.advanceTimersByTimeAsync(1_900);
    expect(done).toBe(false);
    await jest.advanceTimersByTimeAsync(200);
    await waiting;
    expect(done).toBe(true);
  });
});
