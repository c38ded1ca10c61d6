import { callJson } from './helpers/http';
import { signIn, startTestStack, type TestStack } from './helpers/stack';

// Intercom sends X-RateLimit-Limit/Remaining/Reset on every answer and a 429 (without Retry-After)
// once a 10-second window's calls are used up. The BFF reads the headers and waits for the reset
// instead of running into the 429.
describe('Intercom rate limits, as Intercom announces them (e2e)', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack(
      // Our own limiter would allow far more: only Intercom's headers can hold the calls back.
      { INTERCOM_RATE_LIMIT_PER_MIN: '10000', INTERCOM_TIMEOUT_MS: '12000', RATE_LIMIT_PER_MIN: '10000' },
      { rateLimits: { perAppPerMinute: 60 } }, // 10 calls per 10-second window
    );
  });
  afterAll(() => stack.close());

  it('slows down when Intercom says the window is used up, so no call meets a 429', async () => {
    const { token } = await signIn(stack, 'busy-user');
    // Start early in a window (they are aligned to 10 s), so twelve calls cannot all fit in it.
    const intoWindow = Date.now() % 10_000;
    if (intoWindow > 5_000) await new Promise((resolve) => setTimeout(resolve, 10_050 - intoWindow));
    stack.emulator.control.resetRequests();
    const statuses: number[] = [];
    for (let index = 0; index < 12; index += 1) {
      statuses.push((await callJson(`${stack.app.url}/api/conversations`, 'GET', token)).status);
    }
    expect(statuses).toEqual(Array(12).fill(200));
    const answered = stack.emulator.control.requests().map((request) => request.status);
    expect(answered).toHaveLength(12);
    expect(answered.filter((status) => status === 429)).toEqual([]);
  }, 30_000);
});
