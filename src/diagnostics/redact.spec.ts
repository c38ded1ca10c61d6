import { redact } from './redact';

describe('redact', () => {
  it.each([
    ['mail me at jane.doe+x@example.co.uk please', 'mail me at [email] please'],
    ['auth eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.abc_DEF-123 failed', 'auth [jwt] failed'],
    ['header Bearer abc.def.ghi', 'header [token]'],
    ['call +44 20 7946 0958 now', 'call [phone] now'],
    ['phone 8 (912) 345-67-89', 'phone [phone]'],
    ['card 4111 1111 1111 1111 declined', 'card [card] declined'],
    ['card 5500-0000-0000-0004', 'card [card]'],
    ['from 192.168.10.20:443', 'from [ip]:443'],
    ['v6 2001:db8:85a3::8a2e:370:7334 down', 'v6 [ip] down'],
    ['v6 fe80:0000:0000:0000:0202:b3ff:fe1e:8329', 'v6 [ip]'],
    ['key AKIAIOSFODNN7EXAMPLEz9 leaked', 'key [token] leaked'],
    ['fcm dQw4w9WgXcQ:APA91bHun4MxP5egoKMwt2KZFBaFUH', 'fcm [token]'],
    ['hex 0123456789abcdef0123456789abcdef', 'hex [token]'],
  ])('masks %j', (input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it.each(['checkout_failed_3ds_step_2', 'E_TIMEOUT', 'HTTP 503', 'retry 3 of 5 at 12:30:45', 'Foo::bar', 'iPhone15,2', 'code 1234567'])(
    'leaves ordinary telemetry %j alone',
    (input) => {
      expect(redact(input)).toBe(input);
    },
  );
});
