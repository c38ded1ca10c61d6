import { FixedWindowThrottlerStorage } from './fixed-window-throttler.storage';

describe(FixedWindowThrottlerStorage.name, () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('blocks past the limit within a window, with the seconds left to wait', async () => {
    const storage = new FixedWindowThrottlerStorage();
    for (let hit = 0; hit < 3; hit += 1) expect((await storage.increment('user', 60_000, 3)).isBlocked).toBe(false);
    jest.setSystemTime(20_000);
    expect(await storage.increment('user', 60_000, 3)).toEqual({ totalHits: 4, timeToExpire: 40, isBlocked: true, timeToBlockExpire: 40 });
    expect((await storage.increment('other', 60_000, 3)).isBlocked).toBe(false);
    storage.onModuleDestroy();
  });

  it('starts a new window after the old one ends', async () => {
    const storage = new FixedWindowThrottlerStorage();
    await storage.increment('user', 1_000, 1);
    expect((await storage.increment('user', 1_000, 1)).isBlocked).toBe(true);
    jest.setSystemTime(1_000);
    expect((await storage.increment('user', 1_000, 1)).isBlocked).toBe(false);
    storage.onModuleDestroy();
  });
});
