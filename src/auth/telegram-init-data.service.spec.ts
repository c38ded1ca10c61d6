import { loadConfig } from '../config/config';
import { signInitDataFields as signInitData } from '../../test/helpers/telegram-init-data';
import { TelegramInitDataService } from './telegram-init-data.service';

// Telegram's published example (tma.js docs / Telegram Mini Apps): bot token and a real signed initData.
const VECTOR_TOKEN = '5768337691:AAH5YkoiEuPk8-FZa32hStHTqXiLPtAEhx8';
const VECTOR_INIT_DATA =
  'query_id=AAHdF6IQAAAAAN0XohDhrOrc&user=%7B%22id%22%3A279058397%2C%22first_name%22%3A%22Vladislav%22%2C' +
  '%22last_name%22%3A%22Kibenko%22%2C%22username%22%3A%22vdkfrost%22%2C%22language_code%22%3A%22ru%22%2C' +
  '%22is_premium%22%3Atrue%7D&auth_date=1662771648&hash=c501b71e775f74ce10e377dea85a7ea24ecd640b223ea86dfe453e0eaed2e2b2';
const VECTOR_AUTH_DATE = new Date(1662771648 * 1000);

describe(TelegramInitDataService.name, () => {
  const service = (maxAge = 3600) =>
    new TelegramInitDataService(
      loadConfig({ NODE_ENV: 'development', TELEGRAM_BOT_TOKEN: VECTOR_TOKEN, TELEGRAM_INIT_DATA_MAX_AGE_SECONDS: String(maxAge) }),
    );
  const fresh = (overrides: Record<string, string> = {}) => ({
    auth_date: String(Math.floor(Date.now() / 1000)),
    user: JSON.stringify({ id: 42, first_name: 'Ann' }),
    ...overrides,
  });

  it("accepts Telegram's published test vector", () => {
    const user = service().verify(VECTOR_INIT_DATA, new Date(VECTOR_AUTH_DATE.getTime() + 1000));
    expect(user).toEqual({ userId: 'tg:279058397', telegramChatId: '279058397', name: 'Vladislav Kibenko', email: null });
  });

  it('accepts freshly signed data, keeping extra fields such as signature in the check string', () => {
    const initData = signInitData(fresh({ signature: 'abc', query_id: 'q1' }), VECTOR_TOKEN);
    expect(service().verify(initData).userId).toBe('tg:42');
  });

  it('rejects tampered data', () => {
    const tampered = VECTOR_INIT_DATA.replace('279058397', '279058398');
    expect(() => service().verify(tampered, VECTOR_AUTH_DATE)).toThrow('signature is invalid');
  });

  it('rejects stale data beyond the configured max age', () => {
    expect(() => service(3600).verify(VECTOR_INIT_DATA, new Date(VECTOR_AUTH_DATE.getTime() + 3601_000))).toThrow('too old');
  });

  it('rejects data without a hash', () => {
    expect(() => service().verify(VECTOR_INIT_DATA.replace(/&hash=[0-9a-f]+/, ''), VECTOR_AUTH_DATE)).toThrow('no hash');
  });

  it('rejects data signed for another bot', () => {
    const initData = signInitData(fresh(), '999999:another-bot-token');
    expect(() => service().verify(initData)).toThrow('signature is invalid');
  });

  it('rejects a repeated key even when one copy is correctly signed', () => {
    const initData = `${signInitData(fresh(), VECTOR_TOKEN)}&user=${encodeURIComponent(JSON.stringify({ id: 1 }))}`;
    expect(() => service().verify(initData)).toThrow('repeated key');
  });

  it('rejects an auth_date in the future', () => {
    const initData = signInitData(fresh({ auth_date: String(Math.floor(Date.now() / 1000) + 3600) }), VECTOR_TOKEN);
    expect(() => service().verify(initData)).toThrow('future');
  });

  it('rejects signed data without a user', () => {
    const initData = signInitData({ auth_date: String(Math.floor(Date.now() / 1000)) }, VECTOR_TOKEN);
    expect(() => service().verify(initData)).toThrow('has no user');
  });
});
