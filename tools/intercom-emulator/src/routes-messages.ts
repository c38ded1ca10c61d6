import { str, toHtml, type Ctx, type Route } from './context';
import { ApiError, badRequest, notFound } from './errors';
import { renderConversation } from './render';
import { now, type Admin, type Contact, type Conversation } from './store';

/** A conversation an admin (or an automated outbound) starts with a contact. */
export function startOutbound(
  ctx: Ctx,
  contact: Contact,
  author: Admin,
  body: string,
  deliveredAs: Conversation['deliveredAs'],
): Conversation {
  const { store } = ctx;
  const t = now();
  const c: Conversation = {
    id: store.nextId(),
    title: null,
    created_at: t,
    updated_at: t,
    waiting_since: null,
    snoozed_until: null,
    state: 'open',
    read: false,
    admin_assignee_id: null,
    team_assignee_id: null,
    tags: [],
    contactIds: [contact.id],
    custom_attributes: {},
    deliveredAs,
    parts: [],
    source: { id: store.nextId(), body: toHtml(body), subject: '', author: store.adminAuthor(author), attachments: [], created_at: t },
  };
  store.conversations.set(c.id, c);
  return c;
}

export function messagesRoutes(ctx: Ctx): Route[] {
  const { store } = ctx;
  return [
    {
      // createMessage: "You can create a message that has been initiated by an admin." In-app
      // messages become a conversation delivered_as admin_initiated, announced by the
      // conversation.admin.single.created webhook ("admin initiated 1:1 conversations").
      method: 'POST',
      path: '/messages',
      handler: ({ body }) => {
        const from = body.from as { type?: string; id?: unknown } | undefined;
        const to = body.to as { type?: string; id?: string } | undefined;
        if (!from?.id || !to?.id || typeof body.body !== 'string')
          throw badRequest('from, to and body are required', 'parameter_not_found');
        if (body.message_type !== 'in_app') throw badRequest('Only in_app messages are emulated');
        const admin = store.admin(str(from.id));
        if (!admin) throw new ApiError(404, 'admin_not_found', 'Admin not found');
        const contact = store.contacts.get(String(to.id));
        if (!contact) throw notFound('User Not Found');
        const c = startOutbound(ctx, contact, admin, body.body, 'admin_initiated');
        ctx.emit('conversation.admin.single.created', renderConversation(store, c));
        return [
          200,
          {
            type: 'user_message',
            id: c.source.id,
            created_at: c.created_at,
            body: c.source.body,
            message_type: 'inapp',
            conversation_id: c.id,
          },
        ];
      },
    },
  ];
}
