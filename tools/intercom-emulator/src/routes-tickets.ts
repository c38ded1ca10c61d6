import { str, toHtml, type Ctx, type Route } from './context';
import { ApiError, badRequest, notFound } from './errors';
import { renderTicket, renderTicketPart, renderTicketState, renderTicketType } from './render';
import { matches, paginate, type Filter } from './search';
import { now, type Author, type Contact, type Part, type Ticket } from './store';

export function ticketsRoutes(ctx: Ctx): Route[] {
  const { store } = ctx;
  const get = (id: string): Ticket => {
    const t = store.tickets.get(id);
    if (!t) throw notFound('Ticket not found');
    return t;
  };
  const authorFor = (adminId: unknown): Author => {
    if (adminId === undefined) return store.adminAuthor(store.admins[0]); // the API acts as the bot by default
    const a = store.admin(str(adminId));
    if (!a) throw new ApiError(404, 'admin_not_found', 'Admin not found');
    return store.adminAuthor(a);
  };
  const addPart = (t: Ticket, part_type: string, author: Author, extra: Partial<Part> = {}): Part => {
    const ts = now();
    const p: Part = {
      id: store.nextId(),
      part_type,
      body: null,
      created_at: ts,
      updated_at: ts,
      author,
      attachments: [],
      assigned_to: null,
      ...extra,
    };
    t.parts.push(p);
    t.updated_at = ts;
    return p;
  };
  const findContact = (ref: Record<string, unknown>): Contact => {
    const all = [...store.contacts.values()];
    const c =
      ref.id !== undefined
        ? store.contacts.get(String(ref.id))
        : ref.external_id !== undefined
          ? all.find((x) => x.external_id === String(ref.external_id))
          : ref.email !== undefined
            ? all.find((x) => x.email === String(ref.email))
            : undefined;
    if (!c) throw notFound('Contact not found or could not be created');
    return c;
  };
  const out = (t: Ticket) => renderTicket(store, t);
  const setState = (t: Ticket, stateId: string, author: Author) => {
    const prev = store.ticketState(t.stateId);
    const next = store.ticketStates.find((s) => s.id === stateId);
    if (!next) throw badRequest(`Ticket state ${stateId} not found`);
    t.stateId = next.id;
    addPart(t, 'ticket_state_updated_by_admin', author, { previous_ticket_state: prev.category, ticket_state: next.category });
  };

  return [
    {
      method: 'GET',
      path: '/ticket_types',
      handler: () => [200, { type: 'list', data: store.ticketTypes.map((t) => renderTicketType(store, t)) }],
    },
    {
      method: 'GET',
      path: '/ticket_types/{ticket_type_id}',
      handler: ({ params }) => {
        const t = store.ticketType(params.ticket_type_id);
        if (!t) throw notFound('Ticket type not found');
        return [200, renderTicketType(store, t)];
      },
    },
    {
      method: 'GET',
      path: '/ticket_states',
      handler: () => [
        200,
        {
          type: 'list',
          data: store.ticketStates.map((s) => ({
            ...renderTicketState(s),
            archived: false,
            ticket_types: {
              type: 'list',
              data: store.ticketTypes.map((t) => ({ ...renderTicketType(store, t), ticket_states: { type: 'list', data: [] } })),
            },
          })),
        },
      ],
    },
    {
      method: 'POST',
      path: '/tickets',
      handler: ({ body }) => {
        const type = store.ticketType(String(body.ticket_type_id ?? ''));
        if (!type) throw notFound('Ticket type not found');
        if (!Array.isArray(body.contacts) || body.contacts.length === 0) throw badRequest('contacts is required', 'parameter_not_found');
        const contacts = (body.contacts as Record<string, unknown>[]).map(findContact);
        const ts = typeof body.created_at === 'number' ? body.created_at : now();
        const assignment = (body.assignment ?? {}) as Record<string, unknown>;
        const t: Ticket = {
          id: store.nextId(),
          ticket_id: store.nextTicketRef(),
          ticket_type_id: type.id,
          stateId: store.ticketStates[0].id,
          contactIds: contacts.map((c) => c.id),
          attributes: { ...((body.ticket_attributes as Record<string, unknown>) ?? {}) },
          admin_assignee_id: str(assignment.admin_assignee_id) ?? '0',
          team_assignee_id: str(assignment.team_assignee_id) ?? '0',
          created_at: ts,
          updated_at: ts,
          open: true,
          snoozed_until: null,
          parts: [],
        };
        // Intercom records the initial state as a submitted → submitted part by its bot.
        addPart(t, 'ticket_state_updated_by_admin', store.adminAuthor(store.admins[0]), {
          previous_ticket_state: 'submitted',
          ticket_state: 'submitted',
        });
        store.tickets.set(t.id, t);
        ctx.emit('ticket.created', out(t));
        return [200, out(t)];
      },
    },
    { method: 'GET', path: '/tickets/{ticket_id}', handler: ({ params }) => [200, out(get(params.ticket_id))] },
    {
      method: 'PUT',
      path: '/tickets/{ticket_id}',
      handler: ({ params, body }) => {
        const t = get(params.ticket_id);
        const author = authorFor(body.admin_id);
        const topics: string[] = [];
        if (body.ticket_state_id !== undefined && String(body.ticket_state_id) !== t.stateId) {
          setState(t, String(body.ticket_state_id), author);
          topics.push('ticket.state.updated');
        }
        if (body.ticket_attributes && typeof body.ticket_attributes === 'object') {
          Object.assign(t.attributes, body.ticket_attributes);
          addPart(t, 'ticket_attribute_updated_by_admin', author);
        }
        if (body.assignee_id !== undefined) {
          t.admin_assignee_id = String(body.assignee_id);
          addPart(t, 'assignment', author, { assigned_to: { type: 'admin', id: String(body.assignee_id) } });
          topics.push('ticket.admin.assigned');
        }
        if (typeof body.snoozed_until === 'number') {
          t.snoozed_until = body.snoozed_until;
          addPart(t, 'snoozed', author);
          topics.push('ticket.admin.snoozed');
        }
        if (typeof body.open === 'boolean' && body.open !== t.open) {
          t.open = body.open;
          if (!t.open) t.snoozed_until = null; // closing also unsnoozes
          addPart(t, body.open ? 'open' : 'close', author);
          topics.push(body.open ? 'ticket.admin.opened' : 'ticket.admin.closed');
        }
        t.updated_at = now();
        for (const topic of topics) ctx.emit(topic, out(t));
        return [200, out(t)];
      },
    },
    {
      method: 'POST',
      path: '/tickets/{ticket_id}/reply',
      handler: async ({ params, body }) => {
        const t = get(params.ticket_id);
        const category = store.ticketType(t.ticket_type_id)?.category;
        const hasBody = typeof body.body === 'string' && body.body.length > 0;
        if (body.type === 'user') {
          if (category === 'Back-office' || category === 'Tracker') {
            throw new ApiError(
              400,
              'parameter_mismatch',
              `User replies are not allowed on ${category === 'Tracker' ? 'Tracker' : 'Backoffice'} tickets`,
            );
          }
          const all = [...store.contacts.values()];
          const c =
            body.intercom_user_id !== undefined
              ? store.contacts.get(String(body.intercom_user_id))
              : body.user_id !== undefined
                ? all.find((x) => x.external_id === String(body.user_id))
                : all.find((x) => x.email === String(body.email));
          if (!c) throw notFound('User Not Found');
          if (!hasBody) throw badRequest('body is required', 'parameter_not_found');
          const attachments = await ctx.attachments(body.attachment_urls);
          const p = addPart(t, 'comment', store.contactAuthor(c), { body: toHtml(body.body), attachments });
          ctx.emit('ticket.contact.replied', out(t));
          return [200, renderTicketReply(p)];
        }
        if (body.type !== 'admin') throw badRequest('type must be user or admin');
        const kind = body.message_type;
        if (kind !== 'comment' && kind !== 'note' && kind !== 'quick_reply')
          throw badRequest('message_type must be comment, note or quick_reply');
        const attachments = await ctx.attachments(body.attachment_urls);
        if (!hasBody && attachments.length === 0) throw badRequest('body is required', 'parameter_not_found');
        const p = addPart(t, kind, authorFor(body.admin_id), { body: hasBody ? toHtml(body.body) : null, attachments });
        ctx.emit(kind === 'note' ? 'ticket.note.created' : 'ticket.admin.replied', out(t));
        return [200, renderTicketReply(p)];
      },
    },
    {
      method: 'POST',
      path: '/tickets/search',
      handler: ({ body }) => {
        const q = body.query as Filter | undefined;
        const hits = [...store.tickets.values()]
          .filter((t) =>
            matches(
              {
                id: t.id,
                ticket_id: t.ticket_id,
                contact_ids: t.contactIds,
                ticket_type_id: t.ticket_type_id,
                category: store.ticketType(t.ticket_type_id)?.category,
                state: store.ticketState(t.stateId).category,
                ticket_state_id: t.stateId,
                open: t.open,
                created_at: t.created_at,
                updated_at: t.updated_at,
                title: t.attributes._default_title_,
                description: t.attributes._default_description_,
                admin_assignee_id: t.admin_assignee_id,
                team_assignee_id: t.team_assignee_id,
                snoozed_until: t.snoozed_until,
              },
              q,
            ),
          )
          // search_request takes no sort and the description promises no order: the emulator answers
          // in creation order, so a client that reads only the first page misses the newest.
          .sort((x, y) => Number(x.id) - Number(y.id));
        const { page, total_count, pages } = paginate(hits, body.pagination as never);
        return [200, { type: 'ticket.list', tickets: page.map((t) => renderTicket(store, t, false)), total_count, pages }];
      },
    },
  ];
}

/** POST /tickets/{id}/reply answers the new part alone (schema ticket_reply). */
function renderTicketReply(p: Part): Record<string, unknown> {
  const { assigned_to: _a, external_id: _e, ...rest } = renderTicketPart(p);
  return rest;
}
