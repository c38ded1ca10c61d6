import type { IntercomTicket, IntercomTicketPart, IntercomTicketState } from '../intercom/intercom.service';
import { buildTimeline, labelForCategory, matchReference, newestFirst, toTicketSummary } from './ticket.mapper';

const STATES: IntercomTicketState[] = [
  { id: '1', category: 'submitted', external_label: 'Submitted' },
  { id: '2', category: 'in_progress', external_label: 'In progress' },
  { id: '3', category: 'waiting_on_customer', external_label: 'Awaiting your reply' },
  { id: '4', category: 'resolved', external_label: 'Resolved' },
  { id: '5', category: 'resolved', external_label: 'Closed for good', archived: true },
];

const ticket = (overrides: Partial<IntercomTicket> = {}): IntercomTicket => ({
  type: 'ticket',
  id: '100',
  ticket_id: 'AW-1',
  category: 'Customer',
  ticket_attributes: { _default_title_: 'Card blocked' },
  contacts: { contacts: [{ id: 'c1' }] },
  ticket_state: { id: '1', category: 'submitted', external_label: 'Submitted' },
  created_at: 1_000,
  updated_at: 2_000,
  open: true,
  ...overrides,
});

const change = (from: string, to: string, at: number): IntercomTicketPart =>
  ({
    id: `p${at}`,
    part_type: 'ticket_state_updated_by_admin',
    previous_ticket_state: from,
    ticket_state: to,
    created_at: at,
  }) as IntercomTicketPart;

describe('ticket mapper', () => {
  describe('toTicketSummary', () => {
    it('maps reference, external label and ms timestamps', () => {
      expect(toTicketSummary(ticket(), true)).toEqual({
        id: '100',
        reference: 'AW-1',
        title: 'Card blocked',
        state: { category: 'submitted', label: 'Submitted' },
        open: true,
        createdAt: 1_000_000,
        updatedAt: 2_000_000,
        rated: true,
      });
    });

    it('falls back to the catalog label when Intercom leaves it off the ticket', () => {
      const summary = toTicketSummary(ticket({ ticket_state: { id: '3', category: 'waiting_on_customer' } }), false, STATES);
      expect(summary.state).toEqual({ category: 'waiting_on_customer', label: 'Awaiting your reply' });
    });
  });

  describe('labelForCategory', () => {
    it('knows the label only when one live state has the category', () => {
      expect(labelForCategory(STATES, 'resolved')).toBe('Resolved'); // the archived one does not count
      expect(labelForCategory([...STATES, { id: '6', category: 'in_progress', external_label: 'Escalated' }], 'in_progress')).toBeNull();
    });
  });

  describe('buildTimeline', () => {
    it('starts with the state at creation and lists changes oldest first, even when parts come unordered', () => {
      const parts = [
        change('in_progress', 'resolved', 1_300),
        change('submitted', 'submitted', 1_000),
        change('submitted', 'in_progress', 1_100),
      ];
      const resolved = ticket({
        ticket_state: { id: '4', category: 'resolved', external_label: 'Resolved' },
        ticket_parts: { ticket_parts: parts },
      });
      expect(buildTimeline(resolved, STATES)).toEqual([
        { category: 'submitted', label: 'Submitted', at: 1_000_000 },
        { category: 'in_progress', label: 'In progress', at: 1_100_000 },
        { category: 'resolved', label: 'Resolved', at: 1_300_000 },
      ]);
    });

    it('uses the ticket’s own state label for the current entry when the category is ambiguous', () => {
      const states = [...STATES, { id: '6', category: 'in_progress' as const, external_label: 'Escalated' }];
      const escalated = ticket({
        ticket_state: { id: '6', category: 'in_progress', external_label: 'Escalated' },
        ticket_parts: {
          ticket_parts: [
            change('submitted', 'in_progress', 1_100),
            change('in_progress', 'waiting_on_customer', 1_200),
            change('waiting_on_customer', 'in_progress', 1_300),
          ],
        },
      });
      expect(buildTimeline(escalated, states).map((entry) => entry.label)).toEqual(['Submitted', null, 'Awaiting your reply', 'Escalated']);
    });

    it('ignores other parts and is the current state alone when nothing changed', () => {
      const note = { id: 'n', part_type: 'note', body: 'internal', created_at: 1_050 } as IntercomTicketPart;
      expect(buildTimeline(ticket({ ticket_parts: { ticket_parts: [note] } }), STATES)).toEqual([
        { category: 'submitted', label: 'Submitted', at: 1_000_000 },
      ]);
    });
  });

  describe('matchReference', () => {
    const tickets = ['AW-1', 'AW-12', 'AW-2', 'aw-10'].map((reference, index) => ticket({ id: String(index), ticket_id: reference }));

    it('matches exact and prefix, case-insensitively, exact first', () => {
      expect(matchReference(tickets, 'aw-1').map((item) => item.ticket_id)).toEqual(['AW-1', 'AW-12', 'aw-10']);
    });

    it.each(['%', 'AW-%', '*', '.*', "AW-1'", 'АW-1'])('treats %s literally', (query) => {
      expect(matchReference(tickets, query)).toEqual([]);
    });
  });

  it('sorts newest first, ids breaking ties', () => {
    const sorted = [ticket({ id: '1', created_at: 5 }), ticket({ id: '3', created_at: 9 }), ticket({ id: '2', created_at: 5 })].sort(
      newestFirst,
    );
    expect(sorted.map((item) => item.id)).toEqual(['3', '2', '1']);
  });
});
