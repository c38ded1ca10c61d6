import { LiveConnection, type LiveOptions, type LiveSubscription } from './live.js';
import { type Session, SessionManager, type SignInCredentials } from './session.js';
import { type RequestOptions, type RetryPolicy, Transport } from './transport.js';
import type {
  CloseResult,
  Clarify,
  ClarifyResult,
  Complaint,
  Conversation,
  ConversationSummary,
  CreateConversation,
  CsatRating,
  CsatResult,
  Message,
  NotificationSettings,
  Poll,
  QuickReplyAnswer,
  Reply,
  StreamTicket,
  SupportEvent,
  TicketDetail,
  TicketReply,
  TicketSummary,
  Unread,
  UploadedFile,
} from './types.js';
import { type UploadOptions, uploadFiles } from './upload.js';

export interface SupportClientOptions extends Partial<RetryPolicy> {
  // The BFF's base URL, e.g. https://support.example.com (no trailing slash needed).
  serverUrl: string;
  // Called when a session is needed: first call, expiry, a 401. One call at a time.
  signIn: () => Promise<SignInCredentials>;
  // Defaults to the platform's fetch.
  fetch?: typeof fetch;
}

// Sends carry a clientMessageId so a retry (ours, or the app's) never posts twice.
const withClientMessageId = <T extends { clientMessageId?: string }>(body: T): T & { clientMessageId: string } => ({
  ...body,
  clientMessageId: body.clientMessageId ?? crypto.randomUUID(),
});
const segment = encodeURIComponent;

export function createSupportClient(options: SupportClientOptions) {
  const serverUrl = options.serverUrl.replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const sessions = new SessionManager(serverUrl, options.signIn, fetchImpl);
  const transport = new Transport(serverUrl, fetchImpl, sessions, {
    maxRetries: options.maxRetries ?? 4,
    retryBaseDelayMs: options.retryBaseDelayMs ?? 500,
    maxRetryDelayMs: options.maxRetryDelayMs ?? 10_000,
    maxRetryAfterSeconds: options.maxRetryAfterSeconds ?? 30,
  });
  const json = <T>(method: string, path: string, request?: RequestOptions): Promise<T> => transport.json<T>(method, path, request);

  return {
    // The current session, once signed in (userId is `tg:<id>` for Telegram users).
    session: (): Session | null => sessions.current(),
    signOut: (): void => sessions.clear(),

    conversations: {
      list: async (): Promise<ConversationSummary[]> =>
        (await json<{ conversations: ConversationSummary[] }>('GET', '/api/conversations', { retry: true })).conversations,
      create: (body: CreateConversation): Promise<Conversation> =>
        json('POST', '/api/conversations', { body: withClientMessageId(body), retry: true }),
      get: (id: string): Promise<Conversation> => json('GET', `/api/conversations/${segment(id)}`, { retry: true }),
      poll: (id: string, since?: number): Promise<Poll> =>
        json('GET', `/api/conversations/${segment(id)}/poll`, { query: { since }, retry: true }),
      reply: (id: string, body: Reply): Promise<Message> =>
        json('POST', `/api/conversations/${segment(id)}/reply`, { body: withClientMessageId(body), retry: true }),
      // Picks one of a message's quickReplyOptions; the answer comes back as the user's message.
      answerQuickReply: (id: string, body: QuickReplyAnswer): Promise<Message> =>
        json('POST', `/api/conversations/${segment(id)}/quick-replies`, { body: withClientMessageId(body), retry: true }),
      markRead: (id: string): Promise<void> => json('POST', `/api/conversations/${segment(id)}/read`, { retry: true }),
      close: (id: string): Promise<CloseResult> => json('POST', `/api/conversations/${segment(id)}/close`),
    },

    tickets: {
      list: async (): Promise<TicketSummary[]> =>
        (await json<{ tickets: TicketSummary[] }>('GET', '/api/tickets', { retry: true })).tickets,
      search: async (q: string): Promise<TicketSummary[]> =>
        (await json<{ tickets: TicketSummary[] }>('GET', '/api/tickets/search', { query: { q }, retry: true })).tickets,
      get: (id: string): Promise<TicketDetail> => json('GET', `/api/tickets/${segment(id)}`, { retry: true }),
      reply: (id: string, body: TicketReply): Promise<Message> =>
        json('POST', `/api/tickets/${segment(id)}/reply`, { body: withClientMessageId(body), retry: true }),
      clarify: (id: string, body: Clarify = {}): Promise<ClarifyResult> => json('POST', `/api/tickets/${segment(id)}/clarify`, { body }),
    },

    files: {
      upload: (files: readonly Blob[], uploadOptions?: UploadOptions): Promise<UploadedFile[]> =>
        uploadFiles(transport, files, uploadOptions),
    },

    // The server keeps one rating per item (a repeat answers duplicate: true), so a retry is safe.
    csat: {
      submit: (rating: CsatRating): Promise<CsatResult> => json('POST', '/api/csat', { body: rating, retry: true }),
    },

    complaints: {
      submit: (complaint: Complaint): Promise<{ id: string }> => json('POST', '/api/complaints', { body: complaint }),
    },

    settings: {
      notifications: (): Promise<NotificationSettings> => json('GET', '/api/settings/notifications', { retry: true }),
      updateNotifications: (changes: Partial<NotificationSettings>): Promise<NotificationSettings> =>
        json('PUT', '/api/settings/notifications', { body: changes, retry: true }),
    },

    unread: (): Promise<Unread> => json('GET', '/api/unread', { retry: true }),

    // A single-use ticket for an EventSource (which cannot send the session header).
    streamTicket: (): Promise<StreamTicket> => json('POST', '/api/events/ticket'),

    live: (onEvent: (event: SupportEvent) => void, liveOptions: LiveOptions = {}): LiveSubscription =>
      new LiveConnection(transport, onEvent, liveOptions),
  };
}

export type SupportClient = ReturnType<typeof createSupportClient>;
