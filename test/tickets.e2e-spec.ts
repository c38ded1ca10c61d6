import { callJson, expectErrorEnvelope } from './helpers/http';
import { signIn, startTestStack, type TestStack } from './helpers/stack';

// Parsed response bodies: loosely typed on purpose, the assertions check their shape.
type Json = Record<string, ReturnType<typeof JSON.parse>>;

describe('Tickets: list, search, detail (e2e against the Intercom emulator)', () => {
  let stack: TestStack;
  const users: Record<string, { token: string; contactId: string }> = {};

  beforeAll(async () => {
    stack = await startTestStack();
    for (const userId of ['ann', 'bob', 'cid', 'dan']) {
      users[userId] = await signIn(stack, userId);
    }
  });
  afterAll(() => stack.close());
  afterEach(() => stack.emulator.control.clearFaults());

  const operator = () => stack.emulator.operator;
  const call = (userId: string, method: string, path: string, body?: unknown) =>
    callJson(`${stack.app.url}${path}`, method, users[userId].token, body);
  const createTicket = async (userId: string, type: string, title: string, description = '') =>
    (await operator().createTicket(users[userId].contactId, type, title, description)) as { id: string; ticket_id: string };
  const expectError = expectErrorEnvelope;

  describe('visibility and list', () => {
    let own: { id: string; ticket_id: string }[];
    let backOffice: { id: string };
    let tracker: { id: string };
    let othersTicket: { id: string };
    beforeAll(async () => {
      own = [await createTicket('ann', 'Customer', 'Card blocked', '<p>Card ends 4242</p>')];
      backOffice = await createTicket('ann', 'Back-office', 'Internal review');
      tracker = await createTicket('ann', 'Tracker', 'Incident 17');
      othersTicket = await createTicket('bob', 'Customer', "Bob's ticket");
      own.push(await createTicket('ann', 'Customer', 'Withdrawal pending'));
      await operator().setTicketState(own[1].id, 'waiting_on_customer');
    });

    it('lists only the caller’s customer-facing tickets, newest first, with the external state label', async () => {
      const response = await call('ann', 'GET', '/api/tickets');
      expect(response.status).toBe(200);
      expect(response.body.tickets).toEqual([
        {
          id: own[1].id,
          reference: own[1].ticket_id,
          title: 'Withdrawal pending',
          state: { category: 'waiting_on_customer', label: 'Awaiting your reply' },
          open: true,
          createdAt: expect.any(Number),
          updatedAt: expect.any(Number),
          rated: false,
        },
        expect.objectContaining({ id: own[0].id, reference: own[0].ticket_id, state: { category: 'submitted', label: 'Submitted' } }),
      ]);
      expect(own[0].ticket_id).toMatch(/^AW-\d+$/);
      expect(response.body.tickets[0].createdAt).toBeGreaterThan(1e12); // milliseconds
    });

    it('costs one Intercom call once ticket types and states are cached', async () => {
      await call('ann', 'GET', `/api/tickets/${own[0].id}`); // warms the catalog
      stack.emulator.control.resetRequests();
      expect((await call('ann', 'GET', '/api/tickets')).status).toBe(200);
      await call('ann', 'GET', `/api/tickets/${own[0].id}`);
      expect(stack.emulator.control.requestCounts()).toEqual({ 'POST /tickets/search': 1, 'GET /tickets/{ticket_id}': 1 });
    });

    it('answers 404 for back-office and tracker tickets, another user’s ticket and a missing one, alike', async () => {
      for (const id of [backOffice.id, tracker.id, othersTicket.id, '99999999', 'not-an-id']) {
        const response = await call('ann', 'GET', `/api/tickets/${id}`);
        expectError(response, 404, 'not_found');
        expect(response.body.message).toBe('Ticket not found');
      }
      expectError(await call('bob', 'POST', `/api/tickets/${own[0].id}/reply`, { body: 'hi' }), 404, 'not_found');
      expectError(await call('bob', 'POST', `/api/tickets/${own[0].id}/clarify`, {}), 404, 'not_found');
      expectError(await call('ann', 'POST', `/api/tickets/${tracker.id}/clarify`, {}), 404, 'not_found');
    });

    it('requires a session', async () => {
      expect((await fetch(`${stack.app.url}/api/tickets`)).status).toBe(401);
    });
  });

  describe('rated', () => {
    it('turns true in the list, the search and the detail once the user rated the ticket', async () => {
      const ticket = await createTicket('cid', 'Customer', 'Rate me');
      const other = await createTicket('cid', 'Customer', 'Not rated');
      expect((await call('cid', 'POST', '/api/csat', { stars: 5, ticketId: ticket.id })).status).toBe(201);
      const list = await call('cid', 'GET', '/api/tickets');
      const rated = Object.fromEntries(list.body.tickets.map((item: Json) => [item.id, item.rated]));
      expect(rated).toMatchObject({ [ticket.id]: true, [other.id]: false });
      expect((await call('cid', 'GET', `/api/tickets/search?q=${ticket.ticket_id}`)).body.tickets[0]).toMatchObject({
        id: ticket.id,
        rated: true,
      });
      expect((await call('cid', 'GET', `/api/tickets/${ticket.id}`)).body.ticket.rated).toBe(true);
      expect((await call('cid', 'GET', `/api/tickets/${other.id}`)).body.ticket.rated).toBe(false);
    });
  });

  describe('detail', () => {
    it('shows customer-visible messages and the status timeline after several state changes', async () => {
      const ticket = await createTicket('cid', 'Customer', 'Refund', 'Refund of <b>12 EUR</b>');
      await operator().replyTicket(ticket.id, 'We are on it');
      await operator().noteTicket(ticket.id, 'internal: check the ledger');
      for (const category of ['in_progress', 'waiting_on_customer', 'in_progress', 'resolved']) {
        await operator().setTicketState(ticket.id, category);
      }
      const response = await call('cid', 'GET', `/api/tickets/${ticket.id}`);
      expect(response.status).toBe(200);
      expect(response.body.ticket).toMatchObject({
        id: ticket.id,
        reference: ticket.ticket_id,
        title: 'Refund',
        description: 'Refund of 12 EUR',
        state: { category: 'resolved', label: 'Resolved' },
        rated: false,
      });
      expect(response.body.messages).toEqual([
        expect.objectContaining({ body: 'We are on it', author: expect.objectContaining({ type: 'admin' }) }),
      ]);
      const timeline = response.body.timeline as { category: string; label: string | null; at: number }[];
      expect(timeline.map(({ category, label }) => [category, label])).toEqual([
        ['submitted', 'Submitted'],
        ['in_progress', 'In progress'],
        ['waiting_on_customer', 'Awaiting your reply'],
        ['in_progress', 'In progress'],
        ['resolved', 'Resolved'],
      ]);
      expect(timeline[0].at).toBe(response.body.ticket.createdAt);
      expect(timeline.map((entry) => entry.at)).toEqual([...timeline.map((entry) => entry.at)].sort((left, right) => left - right));
    });
  });

  describe('search', () => {
    let refs: string[];
    beforeAll(async () => {
      refs = [];
      for (let index = 0; index < 3; index += 1) refs.push((await createTicket('dan', 'Customer', `Search ${index}`)).ticket_id);
      await createTicket('dan', 'Back-office', 'Hidden');
    });
    const search = (q: string) => call('dan', 'GET', `/api/tickets/search?q=${encodeURIComponent(q)}`);

    it('matches the reference exactly and case-insensitively', async () => {
      const response = await search(refs[1].toLowerCase());
      expect(response.status).toBe(200);
      expect(response.body.tickets[0]).toMatchObject({ reference: refs[1], title: 'Search 1' });
      expect(response.body.tickets.every((ticket: Json) => (ticket.reference as string).startsWith(refs[1]))).toBe(true);
    });

    it('matches by prefix, only among the caller’s visible tickets, newest first', async () => {
      const response = await search('aw-');
      expect(response.body.tickets.map((ticket: Json) => ticket.reference)).toEqual([...refs].reverse());
      expect((await call('ann', 'GET', `/api/tickets/search?q=${refs[0]}`)).body.tickets).toEqual([]);
    });

    it.each(['"AW-1', "AW-1' OR '1'='1", '%', 'AW-%', '*', 'AW*', '\\', 'АW-1', '票-1', '🎫', '(', '.*'])(
      'treats %s as plain text and never sends it to Intercom',
      async (q) => {
        stack.emulator.control.resetRequests();
        const response = await search(q);
        expect(response).toEqual({ status: 200, body: { tickets: [] } });
        expect(stack.emulator.control.requestCounts()).toEqual({ 'POST /tickets/search': 1 });
      },
    );

    it.each([
      ['empty', '/api/tickets/search?q='],
      ['blank', '/api/tickets/search?q=%20%20'],
      ['missing', '/api/tickets/search'],
      ['over 64 characters', `/api/tickets/search?q=${'A'.repeat(65)}`],
    ])('rejects a %s q with 400 naming q', async (_name, path) => {
      const response = await call('dan', 'GET', path);
      expectError(response, 400, 'validation_error');
      expect(response.body.message).toMatch(/^q /);
    });

    it('accepts a 64-character q', async () => {
      expect(await search('A'.repeat(64))).toEqual({ status: 200, body: { tickets: [] } });
    });
  });

  describe('Intercom down', () => {
    it('answers 502 service_unavailable without leaking Intercom’s answer', async () => {
      const ticket = await createTicket('ann', 'Customer', 'During the outage');
      stack.emulator.control.addFault({ method: 'POST', path: '/tickets/search', status: 503, count: 2 });
      const list = await call('ann', 'GET', '/api/tickets');
      expectError(list, 502, 'service_unavailable');
      expect(JSON.stringify(list.body)).not.toMatch(/error\.list|errors/);
      stack.emulator.control.addFault({ method: 'GET', path: '/tickets/', status: 500, count: 2 });
      expectError(await call('ann', 'GET', `/api/tickets/${ticket.id}`), 502, 'service_unavailable');
      stack.emulator.control.addFault({ method: 'POST', path: `/tickets/${ticket.id}/reply`, status: 500 });
      expectError(
        await call('ann', 'POST', `/api/tickets/${ticket.id}/reply`, { body: 'x', clientMessageId: 'ann-down-1' }),
        502,
        'service_unavailable',
      );
      stack.emulator.control.clearFaults();
      // The failed attempt released its clientMessageId: the retry goes through.
      expect((await call('ann', 'POST', `/api/tickets/${ticket.id}/reply`, { body: 'x', clientMessageId: 'ann-down-1' })).status).toBe(201);
    });
  });

  it('documents every ticket route and shape in the OpenAPI', async () => {
    const document = (await (await fetch(`${stack.app.url}/docs/json`)).json()) as Json;
    const operations = {
      '/api/tickets': ['get', 'TicketListDto'],
      '/api/tickets/search': ['get', 'TicketListDto'],
      '/api/tickets/{id}': ['get', 'TicketDetailDto'],
      '/api/tickets/{id}/reply': ['post', 'MessageDto'],
      '/api/tickets/{id}/clarify': ['post', 'ClarifyResultDto'],
    } as const;
    for (const [path, [method, schema]] of Object.entries(operations)) {
      const operation = document.paths[path][method];
      expect(operation.tags).toEqual(['tickets']);
      expect(operation.security).toEqual([{ session: [] }]);
      const success = operation.responses[method === 'get' ? '200' : '201'];
      expect(success.content['application/json'].schema.$ref).toBe(`#/components/schemas/${schema}`);
    }
    expect(document.paths['/api/tickets/search'].get.parameters).toEqual([
      expect.objectContaining({ name: 'q', in: 'query', required: true, schema: expect.objectContaining({ minLength: 1, maxLength: 64 }) }),
    ]);
    const schemas = document.components.schemas;
    expect(Object.keys(schemas.TicketSummaryDto.properties).sort()).toEqual(
      ['createdAt', 'id', 'open', 'rated', 'reference', 'state', 'title', 'updatedAt'].sort(),
    );
    expect(Object.keys(schemas.TicketDto.properties)).toEqual(expect.arrayContaining(['reference', 'state', 'description']));
    expect(Object.keys(schemas.TicketDetailDto.properties).sort()).toEqual(['messages', 'ticket', 'timeline']);
    expect(Object.keys(schemas.TicketTimelineEntryDto.properties).sort()).toEqual(['at', 'category', 'label']);
    expect(schemas.TicketStateDto.properties.category.enum).toEqual(['submitted', 'in_progress', 'waiting_on_customer', 'resolved']);
    expect(Object.keys(schemas.ReplyDto.properties).sort()).toEqual(['attachmentIds', 'body', 'clientMessageId']);
    expect(Object.keys(schemas.ClarifyTicketDto.properties)).toEqual(['body']);
  });

  it('sent Intercom only requests that conform to its OpenAPI description', () => {
    expect(stack.requestViolations()).toEqual([]);
  });
});
