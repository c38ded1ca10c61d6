import { classifyFcmError } from './fcm-push.sender';

describe(classifyFcmError.name, () => {
  it.each(['messaging/registration-token-not-registered', 'messaging/mismatched-credential', 'messaging/invalid-registration-token'])(
    'treats %s as a dead token',
    (code) => {
      expect(classifyFcmError({ code })).toBe('dead');
    },
  );

  it('treats invalid-argument as a dead token only when it is about the token', () => {
    expect(
      classifyFcmError({ code: 'messaging/invalid-argument', message: 'The registration token is not a valid FCM registration token' }),
    ).toBe('dead');
    expect(classifyFcmError({ code: 'messaging/invalid-argument', message: 'Invalid value at message.data' })).toBe('failed');
  });

  it.each(['messaging/internal-error', 'messaging/server-unavailable', 'messaging/message-rate-exceeded', 'app/network-error'])(
    'retries %s',
    (code) => {
      expect(classifyFcmError({ code })).toBe('retry');
    },
  );

  it('gives up on anything else', () => {
    expect(classifyFcmError({ code: 'messaging/authentication-error' })).toBe('failed');
    expect(classifyFcmError(undefined)).toBe('failed');
  });
});
