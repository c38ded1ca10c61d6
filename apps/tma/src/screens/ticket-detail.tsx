import type { TicketDetail as Detail } from '@support-bff/sdk';
import { useEffect, useState } from 'preact/hooks';
import { Composer, Messages, type ScreenProps, mergeMessages } from './shared';

export function TicketDetail({ id, client, live }: ScreenProps & { id: string }) {
  const [detail, setDetail] = useState<Detail | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const load = () => client.tickets.get(id).then(setDetail, (caught: Error) => setError(caught.message));
    void load();
    return live.listen((event) => {
      if ((event.type === 'ticket.updated' || event.type === 'ticket.message.created') && event.data.ticketId === id) void load();
      if (event.type === 'reset') void load();
    });
  }, [id]);

  if (error) return <p role="alert">{error}</p>;
  if (!detail) return <p class="hint">Loading…</p>;
  const { ticket, timeline, messages } = detail;
  return (
    <section class="screen thread">
      <h1>{ticket.title}</h1>
      <p class="hint">
        {ticket.reference} · <span class="state">{ticket.state.label}</span>
      </p>
      {ticket.description && <p>{ticket.description}</p>}
      <h2>Status</h2>
      <ol class="timeline" aria-label="Status timeline">
        {timeline.map((step) => (
          <li key={`${step.category}-${step.at}`}>
            {step.label ?? step.category} · <time>{new Date(step.at).toLocaleString()}</time>
          </li>
        ))}
      </ol>
      <Messages messages={messages} />
      <Composer
        client={client}
        onSend={async (draft) => {
          const message = await client.tickets.reply(id, draft);
          setDetail({ ...detail, messages: mergeMessages(messages, [message]) });
        }}
      />
    </section>
  );
}
