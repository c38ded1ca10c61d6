import { startIntercomEmulator, type EmulatorOptions, type RunningEmulator } from '../src';

export type Json = Record<string, any>;

export async function start(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startIntercomEmulator({ validateResponses: true, webhookRetryBaseMs: 20, ...opts });
}

/** Calls the emulator like a client of Intercom would. */
export function client(emu: RunningEmulator, token: string | null = 'test-token') {
  return async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: Json; headers: Headers }> => {
    const res = await fetch(emu.url + path, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        'intercom-version': '2.14',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Json) : {}, headers: res.headers };
  };
}
