import { createServer, type Server } from 'node:http';
import { Agent } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { Credential } from 'firebase-admin/app';

// The FCM v1 `messages:send` body (https://firebase.google.com/docs/reference/fcm/rest/v1/projects.messages), snake_case on the wire.
export interface FcmMessage {
  token: string;
  notification?: { title: string; body: string };
  data?: Record<string, string>;
  android?: { priority?: string; collapse_key?: string; notification?: { tag?: string; notification_count?: number } };
  apns?: { headers?: Record<string, string>; payload: { aps: { badge?: number; 'thread-id'?: string; sound?: string } } };
}

export interface FcmRequest {
  path: string;
  authorization: string | undefined;
  body: { message: FcmMessage };
}

interface FcmAnswer {
  status: number;
  body: Record<string, unknown>;
}

// FCM v1 errors as Google sends them (status + FcmError detail), which firebase-admin maps to its codes.
export const fcmError = (status: number, googleStatus: string, errorCode: string, message: string): FcmAnswer => ({
  status,
  body: {
    error: {
      code: status,
      message,
      status: googleStatus,
      details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode }],
    },
  },
});

// A loopback stand-in for fcm.googleapis.com: firebase-admin talks to it through `httpAgent`, whose
// sockets connect here in plain HTTP whatever host the SDK asked for.
export class FakeFcm {
  readonly requests: FcmRequest[] = [];
  private readonly answers = new Map<string, FcmAnswer[]>();
  private server: Server | undefined;
  private port = 0;

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString()) as FcmRequest['body'];
        this.requests.push({ path: request.url ?? '', authorization: request.headers.authorization, body });
        const token = body.message.token;
        const answer = this.answers.get(token)?.shift() ?? {
          status: 200,
          body: { name: `projects/test/messages/${this.requests.length}` },
        };
        response.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  // The next answers for one token, in order (then success).
  answer(token: string, ...answers: FcmAnswer[]): void {
    this.answers.set(token, [...(this.answers.get(token) ?? []), ...answers]);
  }

  requestsFor(token: string): FcmRequest[] {
    return this.requests.filter((request) => request.body.message.token === token);
  }

  // An https.Agent (firebase-admin uses https) whose connections go to this plain-HTTP server.
  agent(): Agent {
    const port = this.port;
    return new (class extends Agent {
      override createConnection(): Socket {
        return connect(port, '127.0.0.1');
      }
    })({ keepAlive: false });
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

// A credential that never calls Google: a fixed OAuth token.
export const fakeCredential: Credential = {
  getAccessToken: () => Promise.resolve({ access_token: 'fake-fcm-access-token', expires_in: 3600 }),
};
