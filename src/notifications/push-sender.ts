export type NotificationKind = 'conversation_reply' | 'conversation_closed' | 'ticket_reply' | 'ticket_state';

// Deep-link payload the apps route on: { type, conversationId | ticketId } (all strings, as FCM data must be).
export type PushData = { type: NotificationKind; conversationId: string } | { type: NotificationKind; ticketId: string };

export interface PushNotification {
  title: string;
  body: string;
  data: PushData;
}

export interface PushOutcome {
  delivered: number;
  // Tokens the provider reported dead (unregistered, wrong sender, bot blocked): to be removed.
  deadTokens: string[];
  // Tokens that still failed after the sender's own retries.
  failed: number;
}

// One delivery channel (FCM, Telegram, log). A sender never throws for a delivery failure: it
// retries what is retryable itself and reports the rest, so one channel cannot make another repeat.
export interface PushSender {
  readonly name: string;
  send(tokens: readonly string[], notification: PushNotification): Promise<PushOutcome>;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
