import { errorFromResponse, networkError } from './errors.js';

// What the app's signIn callback returns: Telegram Mini App init data, or a host-app token.
export type SignInCredentials = { telegramInitData: string } | { hostToken: string };

export interface Session {
  token: string;
  expiresAt: number;
  userId: string;
}

// Renew this long before expiry, so a request never leaves with a token about to lapse.
const EXPIRY_MARGIN_MS = 30_000;

// Holds the session token; signs in on first use, on expiry and after a 401, one sign-in at a time.
export class SessionManager {
  private session: Session | null = null;
  private inFlight: Promise<Session> | null = null;

  constructor(
    private readonly serverUrl: string,
    private readonly signIn: () => Promise<SignInCredentials>,
    private readonly fetchImpl: typeof fetch,
  ) {}

  current(): Session | null {
    return this.session;
  }

  async token(): Promise<string> {
    const session = this.session;
    if (session && session.expiresAt - EXPIRY_MARGIN_MS > Date.now()) return session.token;
    return (await this.renew()).token;
  }

  // A 401 for `token`: forget it unless a newer session already replaced it.
  invalidate(token: string): void {
    if (this.session?.token === token) this.session = null;
  }

  clear(): void {
    this.session = null;
  }

  private renew(): Promise<Session> {
    this.inFlight ??= this.exchange().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async exchange(): Promise<Session> {
    const credentials = await this.signIn();
    const [path, body] =
      'telegramInitData' in credentials
        ? ['/auth/telegram', { initData: credentials.telegramInitData }]
        : ['/auth/exchange', { token: credentials.hostToken }];
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.serverUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
      });
    } catch (error) {
      throw networkError(error);
    }
    if (!response.ok) throw await errorFromResponse(response);
    const session = (await response.json()) as Session;
    this.session = session;
    return session;
  }
}
