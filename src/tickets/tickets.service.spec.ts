import type { SessionUser } from '../auth/auth.decorators';
import type { TicketStreamEvents } from './ticket-stream-events';
import { loadConfig, type AppConfig } from '../config/config';
import type { CsatService } from '../csat/csat.service';
import type { FilesService } from '../files/files.service';
import type { IntercomService, IntercomTicket, IntercomTicketState, IntercomTicketType } from '../intercom/intercom.service';
import type { ClientMessagesService } from '../messages/client-messages.service';
import { TicketCatalogService } from './ticket-catalog.service';
import { TicketsService } from './tickets.service';

const USER: SessionUser = { userId: 'ann', telegramChatId: null, name: null, email: null };
const STATES: IntercomTicketState[] = [
  { id: '1', category: 'submitted', external_label: 'Submitted' },
  { id: '2', category: 'in_progress', external_label: 'In progress' },
  { id: '8', category: 'in_progress', external_label: 'Escalated' },
  { id: '4', category: 'resolved', external_label: 'Resolved' },
];
const TYPES: IntercomTicketType[] = [
  { id: '1', category: 'Customer', ticket_states: { data: [STATES[0], STATES[2], STATES[3]] } },
  { id: '2', category: 'Back-office' },
];

const ticket = (overrides: Partial<IntercomTicket> = {}): IntercomTicket => ({
  type: 'ticket',
  id: '100',
  ticket_id: 'AW-1',
  category: 'Customer',
  ticket_attributes: {},
  contacts: { contacts: [{ id: 'contact-ann' }] },
  ticket_type: TYPES[0],
  ticket_state: { id: '4', category: 'resolved', external_label: 'Resolved' },
  ...overrides,
});

// Strict fakes: only the methods a scenario may call exist; anything else throws.
function setup(found: IntercomTicket, env: Record<string, string> = {}) {
  const intercom = {
    contactIdFor: jest.fn().mockResolvedValue('contact-ann'),
    getTicket: jest.fn().mockResolvedValue(found),
    listTicketTypes: jest.fn().mockResolvedValue(TYPES),
    listTicketStates: jest.fn().mockResolvedValue(STATES),
    updateTicketState: jest.fn().mockResolvedValue(found),
    replyToTicketAsUser: jest.fn().mockResolvedValue({ id: 'part-1', part_type: 'comment', body: '<p>hi</p>', author: { type: 'user' } }),
  };
  const config: AppConfig = loadConfig({ NODE_ENV: 'development', ...env });
  const catalog = new TicketCatalogService(intercom as unknown as IntercomService, config);
  const clientMessages = {
    runOnce: jest.fn((_key: unknown, work: (checkpoint: () => Promise<void>) => Promise<{ result: unknown }>) =>
      work(() => Promise.resolve()).then((done) => done.result),
    ),
  };
  const files = { signedUrlsForAttachments: jest.fn().mockResolvedValue([]) };
  const ownEvents = { recordOwnReply: jest.fn().mockResolvedValue(undefined) };
  const service = new TicketsService(
    intercom as unknown as IntercomService,
    catalog,
    clientMessages as unknown as ClientMessagesService,
    files as unknown as FilesService,
    {} as CsatService,
    ownEvents as unknown as TicketStreamEvents,
    config,
  );
  return { service, intercom, catalog, ownEvents };
}

describe(TicketsService.name, () => {
  describe('reply', () => {
    it('refuses a ticket type that takes no user replies with 409, without calling Intercom to reply', async () => {
      const { service, intercom } = setup(ticket({ category: 'Back-office', ticket_type: TYPES[1] }));
      await expect(service.reply(USER, '100', { body: 'hi' })).rejects.toMatchObject({ code: 'conflict' });
      expect(intercom.replyToTicketAsUser).not.toHaveBeenCalled();
      expect(intercom.updateTicketState).not.toHaveBeenCalled();
    });

    it('trusts the cached type catalog over the category embedded in the ticket', async () => {
      const { service, intercom } = setup(ticket({ ticket_type: { id: '2', category: 'Customer' } }));
      await expect(service.reply(USER, '100', { body: 'hi' })).rejects.toMatchObject({ code: 'conflict' });
      expect(intercom.replyToTicketAsUser).not.toHaveBeenCalled();
    });

    it('reopens a resolved ticket to the in_progress state its type uses, then replies', async () => {
      const { service, intercom } = setup(ticket());
      await service.reply(USER, '100', { body: 'a <b>' });
      expect(intercom.updateTicketState).toHaveBeenCalledWith('100', '8');
      expect(intercom.replyToTicketAsUser).toHaveBeenCalledWith('100', 'contact-ann', '<p>a &lt;b&gt;</p>', []);
      expect(intercom.updateTicketState.mock.invocationCallOrder[0]).toBeLessThan(intercom.replyToTicketAsUser.mock.invocationCallOrder[0]);
    });

    it('reopens to the state id TICKET_REOPEN_STATE names', async () => {
      const { service, intercom } = setup(ticket(), { TICKET_REOPEN_STATE: '2' });
      await service.reply(USER, '100', { body: 'hi' });
      expect(intercom.updateTicketState).toHaveBeenCalledWith('100', '2');
    });

    it('answers 404 for a ticket of another contact, before anything else', async () => {
      const { service, intercom } = setup(ticket({ contacts: { contacts: [{ id: 'contact-bob' }] } }));
      await expect(service.reply(USER, '100', { body: 'hi' })).rejects.toMatchObject({ code: 'not_found', message: 'Ticket not found' });
      expect(intercom.listTicketTypes).not.toHaveBeenCalled();
    });
  });

  describe(TicketCatalogService.name, () => {
    afterEach(() => jest.restoreAllMocks());

    it('shares one fetch between concurrent callers and refreshes after the TTL', async () => {
      const { catalog, intercom } = setup(ticket(), { TICKET_CATALOG_TTL_SECONDS: '60' });
      const now = jest.spyOn(Date, 'now').mockReturnValue(1_000_000);
      await Promise.all([catalog.get(), catalog.get(), catalog.get()]);
      now.mockReturnValue(1_059_000);
      await catalog.get();
      expect(intercom.listTicketTypes).toHaveBeenCalledTimes(1);
      now.mockReturnValue(1_061_000);
      await catalog.get();
      expect(intercom.listTicketTypes).toHaveBeenCalledTimes(2);
      expect(intercom.listTicketStates).toHaveBeenCalledTimes(2);
    });

    it('does not cache a failure', async () => {
      const { catalog, intercom } = setup(ticket());
      intercom.listTicketStates.mockRejectedValueOnce(new Error('down'));
      await expect(catalog.get()).rejects.toThrow('down');
      await expect(catalog.get()).resolves.toMatchObject({ states: STATES });
    });
  });

  describe('TICKET_REOPEN_STATE', () => {
    it.each(['in_progress', 'waiting_on_customer', 'submitted', '42'])('accepts %s', (value) => {
      expect(loadConfig({ NODE_ENV: 'development', TICKET_REOPEN_STATE: value }).tickets.reopenState).toBe(value);
    });

    it.each(['resolved', 'open', 'in progress'])('refuses %s at boot, naming the variable', (value) => {
      expect(() => loadConfig({ NODE_ENV: 'development', TICKET_REOPEN_STATE: value })).toThrow(/^TICKET_REOPEN_STATE /);
    });

    it('defaults to in_progress', () => {
      expect(loadConfig({ NODE_ENV: 'development' }).tickets.reopenState).toBe('in_progress');
    });
  });
});
