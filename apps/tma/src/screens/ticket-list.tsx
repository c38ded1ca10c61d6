import type { TicketSummary } from '@support-bff/sdk';
import { useEffect, useState } from 'preact/hooks';
import type { ScreenProps } from './shared';

export function TicketList({ client, live, navigation }: ScreenProps) {
  const [tickets, setTickets] = useState<TicketSummary[] | null>(null);
  const [query, setQuery] = useState('');
  const [error, setError] = useState<string | null>(null);

  const load = (q: string) =>
    (q.trim() ? client.tickets.search(q.trim()) : client.tickets.list()).then(setTickets, (caught: Error) => setError(caught.message));

  useEffect(() => {
    void load('');
    return live.listen((event) => {
      if (event.type === 'ticket.updated' || event.type === 'reset') void load(query);
    });
  }, []);

  return (
    <section class="screen">
      <h1>Tickets</h1>
      <form
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          setError(null);
          void load(query);
        }}
      >
        <input
          type="search"
          aria-label="Search tickets"
          placeholder="AW-123"
          value={query}
          maxLength={64}
          onInput={(event) => setQuery(event.currentTarget.value)}
        />
      </form>
      {error && <p role="alert">{error}</p>}
      {tickets?.length === 0 && <p class="hint">No tickets.</p>}
      <ul class="list" aria-label="Tickets">
        {tickets?.map((ticket) => (
          <li key={ticket.id}>
            <a
              href={`#t_${ticket.id}`}
              onClick={(event) => {
                event.preventDefault();
                navigation.open({ name: 'ticket', id: ticket.id });
              }}
            >
              {ticket.title}
            </a>
            <span class="hint small">
              {ticket.reference} · {ticket.state.label}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
