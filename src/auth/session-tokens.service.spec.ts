import { createSecretKey, generateKeyPairSync } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { loadConfig } from '../config/config';
import { SessionTokensService } from './session-tokens.service';

describe(SessionTokensService.name, () => {
  const config = loadConfig({ NODE_ENV: 'development', SESSION_CACHE_SIZE: '0' });
  const service = new SessionTokensService(config);
  const key = createSecretKey(Buffer.from(config.session.secret, 'utf8'));
  const user = { userId: 'user-1', telegramChatId: '777', name: 'Ann', email: null };

  const forge = (header: Record<string, unknown>, build: (jwt: SignJWT) => SignJWT = (jwt) => jwt) =>
    build(
      new SignJWT({})
        .setProtectedHeader({ alg: 'HS256', typ: 'bff-session+jwt', ...header })
        .setSubject('user-1')
        .setIssuer(config.session.issuer)
        .setAudience(config.session.audience)
        .setIssuedAt()
        .setExpirationTime('5m'),
    );

  it('round-trips the user id and Telegram chat id', async () => {
    const issued = await service.issue(user);
    expect(issued.expiresAt).toBeGreaterThan(Date.now() + 3500_000);
    await expect(service.verify(issued.token)).resolves.toEqual(user);
  });

  it('rejects alg none', async () => {
    const token = new UnsecuredJWT({})
      .setSubject('user-1')
      .setIssuer(config.session.issuer)
      .setAudience(config.session.audience)
      .setExpirationTime('5m')
      .encode();
    await expect(service.verify(token)).rejects.toThrow('Invalid session token');
  });

  it('rejects RS256 tokens (algorithm confusion), even signed with a key whose PEM is the HMAC secret', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const token = await forge({ alg: 'RS256' }).sign(privateKey);
    await expect(service.verify(token)).rejects.toThrow('Invalid session token');
  });

  it('rejects HS384 with the right secret (algorithm pinned)', async () => {
    await expect(service.verify(await forge({ alg: 'HS384' }).sign(key))).rejects.toThrow('Invalid session token');
  });

  it('rejects a wrong secret', async () => {
    const token = await forge({}).sign(createSecretKey(Buffer.from('another-secret-of-enough-length')));
    await expect(service.verify(token)).rejects.toThrow('Invalid session token');
  });

  it('rejects expired and not-yet-valid tokens', async () => {
    const expired = await forge({}, (jwt) =>
      jwt.setIssuedAt(Math.floor(Date.now() / 1000) - 600).setExpirationTime(Math.floor(Date.now() / 1000) - 60),
    ).sign(key);
    await expect(service.verify(expired)).rejects.toThrow('expired');
    const future = await forge({}, (jwt) => jwt.setNotBefore('10m')).sign(key);
    await expect(service.verify(future)).rejects.toThrow('Invalid session token');
  });

  it('rejects a token without exp', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'bff-session+jwt' })
      .setSubject('user-1')
      .setIssuer(config.session.issuer)
      .setAudience(config.session.audience)
      .setIssuedAt()
      .sign(key);
    await expect(service.verify(token)).rejects.toThrow('Invalid session token');
  });

  it('rejects wrong issuer, audience or token type', async () => {
    await expect(service.verify(await forge({}, (jwt) => jwt.setIssuer('someone-else')).sign(key))).rejects.toThrow();
    await expect(service.verify(await forge({}, (jwt) => jwt.setAudience('host-app')).sign(key))).rejects.toThrow();
    await expect(service.verify(await forge({ typ: 'JWT' }).sign(key))).rejects.toThrow();
  });

  it('serves repeated verifications from its cache but never past exp', async () => {
    const cached = new SessionTokensService(loadConfig({ NODE_ENV: 'development', SESSION_CACHE_SIZE: '10' }));
    const soon = Math.floor(Date.now() / 1000) + 1;
    const token = await forge({}, (jwt) => jwt.setExpirationTime(soon)).sign(key);
    await expect(cached.verify(token)).resolves.toMatchObject({ userId: 'user-1' });
    await expect(cached.verify(token)).resolves.toMatchObject({ userId: 'user-1' });
    await new Promise((resolve) => setTimeout(resolve, soon * 1000 - Date.now() + 50));
    await expect(cached.verify(token)).rejects.toThrow('expired');
  });
});
