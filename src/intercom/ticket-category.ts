import type { IntercomTicket } from './intercom.service';

// Intercom's ticket types are Customer, Back-office or Tracker: only the first is the customer's to
// see. Here rather than in tickets/ so that features the tickets feature imports (csat) can ask too.
export const CUSTOMER_FACING = 'Customer';

export function isCustomerFacing(ticket: IntercomTicket): boolean {
  return ticket.category === CUSTOMER_FACING;
}
