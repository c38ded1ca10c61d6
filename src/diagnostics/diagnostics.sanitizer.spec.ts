import { sanitizeDiagnostics } from './diagnostics.sanitizer';

describe('sanitizeDiagnostics', () => {
  it('keeps allow-listed fields and drops everything else', () => {
    const record = sanitizeDiagnostics({
      platform: 'ios',
      appVersion: '3.14.1+build.7',
      osVersion: '17.4.1',
      deviceModel: 'iPhone15,2',
      locale: 'en-GB',
      networkType: 'wifi',
      eventName: 'chat_open',
      errorCode: 'E_TIMEOUT',
      timings: { coldStartMs: 812.5, 'bad name!': 3 },
      counters: { pollErrors: 2 },
      email: 'jane@example.com',
      userName: 'Jane',
      nested: { deep: true },
    });
    expect(record).toEqual({
      platform: 'ios',
      appVersion: '3.14.1+build.7',
      osVersion: '17.4.1',
      deviceModel: 'iPhone15,2',
      locale: 'en-GB',
      networkType: 'wifi',
      eventName: 'chat_open',
      errorCode: 'E_TIMEOUT',
      timings: { coldStartMs: 812.5 },
      counters: { pollErrors: 2 },
    });
  });

  it('redacts personal data in free text and replaces values of the wrong shape', () => {
    expect(
      sanitizeDiagnostics({
        eventName: 'login jane@example.com',
        errorCode: 'ip 10.0.0.1',
        locale: 'me@x.io',
        appVersion: 'tel +1 555 123 4567',
      }),
    ).toEqual({ eventName: 'login [email]', errorCode: 'ip [ip]', locale: '[invalid]', appVersion: '[invalid]' });
  });

  it.each([
    [[], 'body'],
    ['text', 'body'],
    [{ eventName: 5 }, 'eventName'],
    [{ deviceModel: 'x'.repeat(65) }, 'deviceModel'],
    [{ timings: [1, 2] }, 'timings'],
    [{ timings: { load: -1 } }, 'timings.load'],
    [{ counters: { taps: 1.5 } }, 'counters.taps'],
    [{ counters: Object.fromEntries(Array.from({ length: 33 }, (_, index) => [`c${index}`, 1])) }, 'counters'],
  ])('rejects %j naming %s', (body, field) => {
    expect(() => sanitizeDiagnostics(body)).toThrow(
      expect.objectContaining({ code: 'validation_error', message: expect.stringContaining(field) }),
    );
  });
});
