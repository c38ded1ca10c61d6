import { SessionTokensService } from '../../src/auth/session-tokens.service';
import type { SessionUser } from '../../src/auth/auth.decorators';
import type { TestApp } from './app';

// A session token issued by the app's own SessionTokensService, for tests that need a logged-in user.
export async function sessionTokenFor(testApp: TestApp, userId: string, user: Partial<SessionUser> = {}): Promise<string> {
  const issued = await testApp.app.get(SessionTokensService).issue({ userId, telegramChatId: null, name: null, email: null, ...user });
  return issued.token;
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
