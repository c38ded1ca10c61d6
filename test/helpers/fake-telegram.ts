import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SentMessage {
  botToken: string;
  method: string;
  body: { chat_id: string; text: string; reply_markup?: { inline_keyboard: { text: string; web_app?: { url: string } }[][] } };
  at: number;
}

interface ScriptedResponse {
  status: number;
  body: Record<string, unknown>;
}

// A local Telegram Bot API: records every call and answers 200 unless a chat has scripted answers.
export class FakeTelegram {
  readonly calls: SentMessage[] = [];
  private readonly scripts = new Map<string, ScriptedResponse[]>();
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const match = /^\/bot([^/]+)\/(\w+)$/.exec(request.url ?? '');
        const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as SentMessage['body'];
        if (match) this.calls.push({ botToken: match[1], method: match[2], body, at: Date.now() });
        const scripted = this.scripts.get(String(body.chat_id))?.shift();
        const answer = scripted ?? { status: 200, body: { ok: true, result: { message_id: this.calls.length } } };
        response.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  // The next answers for one chat, in order (then 200 again).
  script(chatId: string, ...responses: ScriptedResponse[]): void {
    this.scripts.set(chatId, [...(this.scripts.get(chatId) ?? []), ...responses]);
  }

  messagesTo(chatId: string): SentMessage[] {
    return this.calls.filter((call) => call.method === 'sendMessage' && String(call.body.chat_id) === chatId);
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export const tooManyRequests = (retryAfter: number): ScriptedResponse => ({
  status: 429,
  body: {
    ok: false,
    error_code: 429,
    description: `Too Many Requests: retry after ${retryAfter}`,
    parameters: { retry_after: retryAfter },
  },
});

export const botBlocked: ScriptedResponse = {
  status: 403,
  body: { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' },
};
