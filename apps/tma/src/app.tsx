import type { SupportClient } from '@support-bff/sdk';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { LiveEvents } from './live';
import { ConversationList } from './screens/conversation-list';
import { NewConversation } from './screens/new-conversation';
import { Thread } from './screens/thread';
import { TicketDetail } from './screens/ticket-detail';
import { TicketList } from './screens/ticket-list';
import { type TelegramContext, bindBackButton } from './telegram';

export type Screen =
  { name: 'conversations' } | { name: 'new' } | { name: 'thread'; id: string } | { name: 'tickets' } | { name: 'ticket'; id: string };

export interface Navigation {
  open: (screen: Screen) => void;
  replace: (screen: Screen) => void;
  back: () => void;
}

// The start parameter opens the item it names on top of the list (back returns to the list).
function initialStack(startParam: string | undefined): Screen[] {
  const home: Screen = { name: 'conversations' };
  const match = /^([ct])_([A-Za-z0-9-]{1,64})$/.exec(startParam ?? '');
  if (!match) return [home];
  return match[1] === 'c' ? [home, { name: 'thread', id: match[2] }] : [home, { name: 'tickets' }, { name: 'ticket', id: match[2] }];
}

export function App({ client, telegram }: { client: SupportClient; telegram: TelegramContext }) {
  const [stack, setStack] = useState<Screen[]>(() => initialStack(telegram.startParam));
  const [signInError, setSignInError] = useState<string | null>(null);
  const live = useMemo(() => new LiveEvents(client), [client]);
  const screen = stack[stack.length - 1];
  const navigation: Navigation = useMemo(
    () => ({
      open: (next) => setStack((current) => [...current, next]),
      replace: (next) => setStack((current) => [...current.slice(0, -1), next]),
      back: () => setStack((current) => (current.length > 1 ? current.slice(0, -1) : current)),
    }),
    [],
  );

  useEffect(() => bindBackButton(stack.length > 1, navigation.back), [stack.length > 1]);
  useEffect(() => {
    // Sign in up front so a failure is shown once, then open the live stream.
    client.conversations
      .list()
      .then(() => live.start())
      .catch((error: Error) => setSignInError(error.message));
  }, [client]);

  if (signInError) {
    return (
      <section class="screen">
        <h1>Support</h1>
        <p role="alert">{signInError}</p>
      </section>
    );
  }
  const props = { client, live, navigation };
  return (
    <>
      {stack.length > 1 && !telegram.inTelegram && (
        <button type="button" class="back link" onClick={navigation.back}>
          ‹ Back
        </button>
      )}
      {screen.name === 'conversations' && <ConversationList {...props} />}
      {screen.name === 'new' && <NewConversation {...props} />}
      {screen.name === 'thread' && <Thread key={screen.id} id={screen.id} {...props} />}
      {screen.name === 'tickets' && <TicketList {...props} />}
      {screen.name === 'ticket' && <TicketDetail key={screen.id} id={screen.id} {...props} />}
    </>
  );
}
