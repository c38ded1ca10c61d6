import { withTicketStateObject } from './intercom.service';

describe(withTicketStateObject.name, () => {
  it('reads the pre-2.12 string form as a state object with its category', () => {
    expect(withTicketStateObject({ id: '1', ticket_state: 'in_progress' })).toEqual({
      id: '1',
      ticket_state: { type: 'ticket_state', category: 'in_progress' },
    });
  });

  it('keeps the object form (and a missing state) as it is', () => {
    const ticket = { id: '2', ticket_state: { type: 'ticket_state', id: '4', category: 'resolved', external_label: 'Done' } };
    expect(withTicketStateObject(ticket)).toBe(ticket);
    const stateless: { id: string; ticket_state?: unknown } = { id: '3' };
    expect(withTicketStateObject(stateless)).toBe(stateless);
  });
});
