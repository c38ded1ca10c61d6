import type { Conversation, Message } from '@support-bff/sdk';
import { useEffect, useState } from 'preact/hooks';
import { haptics } from '../telegram';
import { Composer, Messages, type ScreenProps, mergeMessages } from './shared';

type Header = Omit<Conversation, 'messages'>;

export function Thread({ id, client, live }: ScreenProps & { id: string }) {
  const [header, setHeader] = useState<Header | null>(null);
  const [messages, setMessages] = useState<Message[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let active = true;
    let unwatch = () => {};
    const load = () =>
      client.conversations.get(id).then((conversation) => {
        if (!active) return;
        const { messages: loaded, ...rest } = conversation;
        setHeader(rest);
        setMessages((current) => mergeMessages(current, loaded));
        unwatch();
        unwatch = live.watch(id, loaded.at(-1)?.createdAt ?? 0);
        void client.conversations.markRead(id).catch(() => undefined);
      });
    load().catch((caught: Error) => active && setError(caught.message));
    const stop = live.listen((event) => {
      if (event.type === 'reset') void load().catch(() => undefined);
      if (event.type === 'message.created' && event.data.conversationId === id) {
        setMessages((current) => mergeMessages(current, [event.data.message]));
        void client.conversations.markRead(id).catch(() => undefined);
      }
      if (event.type === 'conversation.updated' && event.data.conversationId === id) {
        const { state, snoozedUntil, rated } = event.data;
        setHeader((current) => current && { ...current, state, snoozedUntil, rated });
      }
    });
    return () => {
      active = false;
      stop();
      unwatch();
    };
  }, [id]);

  if (error) return <p role="alert">{error}</p>;
  if (!header) return <p class="hint">Loading…</p>;

  const close = async () => {
    haptics.tap();
    try {
      const result = await client.conversations.close(id);
      setHeader({ ...header, state: result.state });
    } catch (caught) {
      setError((caught as Error).message);
    }
  };

  return (
    <section class="screen thread">
      <header class="bar">
        <h1>{header.title}</h1>
        {header.state !== 'closed' && (
          <button type="button" class="button secondary" onClick={close}>
            Close conversation
          </button>
        )}
      </header>
      <Messages messages={messages} />
      {header.state === 'closed' && (
        <Csat
          rated={header.rated}
          onRate={async (stars) => {
            await client.csat.submit({ stars, conversationId: id });
            setHeader({ ...header, rated: true });
            haptics.success();
          }}
        />
      )}
      <Composer
        client={client}
        onSend={async (draft) => {
          const message = await client.conversations.reply(id, draft);
          setMessages((current) => mergeMessages(current, [message]));
          // A reply reopens a closed conversation (as Intercom does).
          if (header.state === 'closed') setHeader({ ...header, state: 'open' });
        }}
      />
    </section>
  );
}

function Csat({ rated, onRate }: { rated: boolean; onRate: (stars: number) => Promise<void> }) {
  const [error, setError] = useState<string | null>(null);
  if (rated) return <p class="csat hint">Thanks for your rating!</p>;
  return (
    <div class="csat" role="group" aria-label="Rate this conversation">
      <p>How did we do?</p>
      <div class="stars">
        {[1, 2, 3, 4, 5].map((stars) => (
          <button
            key={stars}
            type="button"
            class="star"
            aria-label={stars === 1 ? '1 star' : `${stars} stars`}
            onClick={() => onRate(stars).catch((caught: Error) => setError(caught.message))}
          >
            ★
          </button>
        ))}
      </div>
      {error && <p role="alert">{error}</p>}
    </div>
  );
}
