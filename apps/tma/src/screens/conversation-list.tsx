import type { ConversationSummary } from '@support-bff/sdk';
import { useEffect, useState } from 'preact/hooks';
import type { ScreenProps } from './shared';

export function ConversationList({ client, live, navigation }: ScreenProps) {
  const [conversations, setConversations] = useState<ConversationSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let active = true;
    const load = () =>
      client.conversations
        .list()
        .then((list) => active && setConversations(list))
        .catch((caught: Error) => active && setError(caught.message));
    void load();
    // Badges and order follow the stream: an unread change or a new message refreshes the list.
    const stop = live.listen((event) => {
      if (event.type === 'unread.changed' && !event.data.conversationId) return;
      if (['unread.changed', 'message.created', 'conversation.updated', 'reset'].includes(event.type)) void load();
    });
    return () => {
      active = false;
      stop();
    };
  }, []);

  return (
    <section class="screen">
      <header class="bar">
        <h1>Support</h1>
        <button type="button" class="button secondary" onClick={() => navigation.open({ name: 'tickets' })}>
          Tickets
        </button>
      </header>
      <button type="button" class="button wide" onClick={() => navigation.open({ name: 'new' })}>
        New conversation
      </button>
      {error && <p role="alert">{error}</p>}
      {conversations === null && !error && <p class="hint">Loading…</p>}
      {conversations?.length === 0 && <p class="hint">No conversations yet. Ask us anything.</p>}
      {conversations && (
        <ul class="list" aria-label="Conversations">
          {conversations.map((conversation) => (
            <li key={conversation.id}>
              <a
                href={`#c_${conversation.id}`}
                onClick={(event) => {
                  event.preventDefault();
                  navigation.open({ name: 'thread', id: conversation.id });
                }}
              >
                {conversation.title}
              </a>
              {conversation.unreadCount > 0 && (
                <span class="badge" role="img" aria-label={`${conversation.unreadCount} unread`}>
                  {conversation.unreadCount}
                </span>
              )}
              <span class="hint small">{conversation.lastMessage?.body ?? ''}</span>
              {conversation.state !== 'open' && <span class="state">{conversation.state}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
