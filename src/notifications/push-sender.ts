export type NotificationKind = 'conversation_reply' | 'conversation_closed' | 'conversation_snoozed' | 'ticket_reply' | 'ticket_state';

// Deep-link payload the apps route on (all strings, as FCM data must be): api.md › Push payloads.
export type PushData =
  { type: NotificationKind; conversationId: string; eventId: string } | { type: NotificationKind; ticketId: string; eventId: string };

export interface PushNotification {
  title: string;
  body: string;
  data: PushData;
  // The user's unread total at send time: Android notificationCount, APNs aps.badge.
  badge: number;
  // The Telegram button's label, in the user's language.
  button: string;
}

// `c_<conversationId>` / `t_<ticketId>`: the collapse key, tag and thread of the item's pushes,
// and the Mini App's start parameter that opens it.
export function itemKey(data: PushData): string {
  return 'conversationId' in data ? `c_${data.conversationId}` : `t_${data.ticketId}`;
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
