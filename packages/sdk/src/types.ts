// Public types, taken from the generated OpenAPI by path, method and status (stable names from the
// contract, not the server's DTO class names). A route the server does not document yet falls back
// to the shape api.md gives.
import type { paths } from './generated/openapi.js';

type Operation<P, M> = P extends keyof paths ? (M extends keyof paths[P] ? NonNullable<paths[P][M]> : never) : never;
type JsonContent<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;
type IfNever<T, Fallback> = [T] extends [never] ? Fallback : T;

export type ResponseOf<P extends string, M extends string, S extends number, Fallback = never> = IfNever<
  Operation<P, M> extends { responses: infer Responses } ? (S extends keyof Responses ? JsonContent<Responses[S]> : never) : never,
  Fallback
>;
export type BodyOf<P extends string, M extends string, Fallback = never> = IfNever<
  Operation<P, M> extends { requestBody?: infer Body } ? JsonContent<NonNullable<Body>> : never,
  Fallback
>;
export type QueryOf<P extends string, M extends string> =
  Operation<P, M> extends { parameters: { query?: infer Query } } ? NonNullable<Query> : never;

export type ConversationSummary = ResponseOf<'/api/conversations', 'get', 200>['conversations'][number];
export type Conversation = ResponseOf<'/api/conversations/{id}', 'get', 200>;
export type CreateConversation = BodyOf<'/api/conversations', 'post'>;
export type Poll = ResponseOf<'/api/conversations/{id}/poll', 'get', 200>;
export type Message = ResponseOf<'/api/conversations/{id}/reply', 'post', 201>;
export type Reply = BodyOf<'/api/conversations/{id}/reply', 'post'>;
export type QuickReplyAnswer = BodyOf<'/api/conversations/{id}/quick-replies', 'post'>;
export type QuickReplyOption = NonNullable<Message['quickReplyOptions']>[number];
export type CloseResult = ResponseOf<'/api/conversations/{id}/close', 'post', 200>;

export type TicketSummary = ResponseOf<'/api/tickets', 'get', 200>['tickets'][number];
export type TicketDetail = ResponseOf<'/api/tickets/{id}', 'get', 200>;
export type TicketReply = BodyOf<'/api/tickets/{id}/reply', 'post'>;
export type Clarify = BodyOf<'/api/tickets/{id}/clarify', 'post'>;
export type ClarifyResult = ResponseOf<'/api/tickets/{id}/clarify', 'post', 201>;

export type UploadedFile = ResponseOf<'/api/files/upload', 'post', 201>['files'][number];
export type CsatRating = BodyOf<'/api/csat', 'post'>;
export type CsatResult = ResponseOf<'/api/csat', 'post', 201>;
export type Complaint = BodyOf<'/api/complaints', 'post'>;
export type NotificationSettings = ResponseOf<'/api/settings/notifications', 'get', 200>;

export type Unread = ResponseOf<'/api/unread', 'get', 200, { total: number; conversations: { id: string; unreadCount: number }[] }>;
export type StreamTicket = ResponseOf<'/api/events/ticket', 'post', 201, { ticket: string; expiresAt: number }>;

export type TicketState = TicketSummary['state'];

// The events of GET /api/events (api.md › Realtime events). `id` is the stream's sequence number;
// events made up by the poll fallback have none.
export type SupportEventData = {
  'message.created': { conversationId: string; message: Message };
  'conversation.updated': { conversationId: string; state: Poll['state']; snoozedUntil: number | null; rated: boolean };
  'ticket.updated': { ticketId: string; state: TicketState; open: boolean };
  'ticket.message.created': { ticketId: string; message: Message };
  'unread.changed': { total: number; conversationId: string; unreadCount: number };
  reset: Record<string, never>;
};
export type SupportEventType = keyof SupportEventData;
export type SupportEvent = { [T in SupportEventType]: { type: T; id: string | null; data: SupportEventData[T] } }[SupportEventType];
