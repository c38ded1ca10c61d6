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

  it("holds calls back once Intercom's X-RateLimit-Remaining reaches 0, until its reset", async () => {
    const limiter = new IntercomRateLimiter(10_000, 20_000, () => Date.now());
    limiter.observe({ limit: 167, remaining: 2, resetAtMs: Date.now() + 4_000 });
    await limiter.acquire();
    await limiter.acquire(); // our own count: 0 left in Intercom's window
    let third = false;
    const waiting = limiter.acquire().then(() => (third = true));
    await jest.advanceTimersByTimeAsync(3_900);
    expect(third).toBe(false);
    await jest.advanceTimersByTimeAsync(200);
    await waiting;
    expect(third).toBe(true);
  });

  it("takes the lower count within one window and a newer window's count as it is", async () => {
    const limiter = new IntercomRateLimiter(10_000, 500, () => Date.now());
    const reset = Date.now() + 5_000;
    limiter.observe({ limit: 167, remaining: 0, resetAtMs: reset });
    limiter.observe({ limit: 167, remaining: 50, resetAtMs: reset }); // stale, answered before
    await expect(limiter.acquire()).rejects.toMatchObject({ code: 'service_unavailable' });
    limiter.observe({ limit: 167, remaining: 10, resetAtMs: reset - 10_000 }); // an older window
    await expect(limiter.acquire()).rejects.toMatchObject({ code: 'service_unavailable' });
    // A reset far beyond one window (clock skew, nonsense) is ignored.
    const other = new IntercomRateLimiter(10_000, 500, () => Date.now());
    other.observe({ limit: 167, remaining: 0, resetAtMs: Date.now() + 3_600_000 });
    await expect(other.acquire()).resolves.toBeUndefined();
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
