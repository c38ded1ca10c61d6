import { SetMetadata } from '@nestjs/common';

export const ACCEPTS_TICKET = 'support-bff:accepts-ticket';
// A route that also takes `?ticket=` instead of the session header, and redeems it itself
// (EventSource cannot send headers). Without a ticket the session guard applies as usual.
export const AcceptsTicket = (): MethodDecorator => SetMetadata(ACCEPTS_TICKET, true);
