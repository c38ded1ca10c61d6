import { plainTextToHtml, str, toHtml, type Ctx, type Route } from './context';
import { ApiError, badRequest, notFound } from './errors';
import { renderConversation, renderConversationItem, renderTag } from './render';
import { checkAttributesExist } from './routes-data-attributes';
import { matches, paginate, type Filter } from './search';
import { now, type Admin, type Attachment, type Author, type Contact, type Conversation, type Part } from './store';

export function conversationsRoutes(ctx: Ctx): Route[] {
  const { store } = ctx;
  const get = (id: string): Conversation => {
    const c = store.conversations.get(id);
    if (!c) throw notFound('Conversation not found');
    return c;
  };
  const admin = (id: unknown): Admin => {
    const a = store.admin(str(id));
    if (!a) throw new ApiError(404, 'admin_not_found', 'Admin not found');
    return a;
  };
  /** A reply "as the user" names the contact by intercom_user_id, user_id (= external_id) or email. */
  const replyingContact = (b: Record<string, unknown>): Contact => {
    const all = [...store.contacts.values()];
    const c =
      b.intercom_user_id !== undefined
        ? store.contacts.get(String(b.intercom_user_id))
        : b.user_id !== undefined
          ? all.find((x) => x.external_id === String(b.user_id))
          : b.email !== undefined
            ? all.find((x) => x.email === String(b.email))
            : undefined;
    if (!c) throw notFound('User Not Found');
    return c;
  };
  const addPart = (c: Conversation, part_type: string, author: Author, extra: Partial<Part> = {}): Part => {
    const t = now();
    const p: Part = {
      id: store.nextId(),
      part_type,
      body: null,
      created_at: t,
      updated_at: t,
      author,
      attachments: [],
      assigned_to: null,
      ...extra,
    };
    p.state = c.state;
    c.parts.push(p);
    c.updated_at = t;
    return p;
  };
  const out = (c: Conversation) => renderConversation(store, c);
  const notify = (topic: string, c: Conversation) => ctx.emit(topic, out(c));

  return [
    {
      method: 'POST',
      path: '/conversations',
      handler: async ({ body }) => {
        const from = body.from as { type?: string; id?: string } | undefined;
        if (!from?.id || typeof body.body !== 'string') throw badRequest('from and body are required', 'parameter_not_found');
        const contact = store.contacts.get(String(from.id));
        if (!contact) throw notFound('User Not Found');
        // create_conversation_request.attachment_urls: "A list of image URLs that will be added as
        // attachments. You can include up to 10 URLs." Anything else is refused (see README).
        const attachments = await ctx.attachments(body.attachment_urls, { imagesOnly: true });
        const t = typeof body.created_at === 'number' ? body.created_at : now();
        const c: Conversation = {
          id: store.nextId(),
          title: null,
          created_at: t,
          updated_at: t,
          waiting_since: t,
          snoozed_until: null,
          state: 'open',
          read: true,
          admin_assignee_id: null,
          team_assignee_id: null,
          tags: [],
          contactIds: [contact.id],
          custom_attributes: {},
          deliveredAs: 'customer_initiated',
          parts: [],
          source: {
            id: store.nextId(),
            body: plainTextToHtml(body.body),
            subject: str(body.subject) ?? '',
            author: store.contactAuthor(contact),
            attachments,
            created_at: t,
          },
        };
        store.conversations.set(c.id, c);
        contact.last_replied_at = t;
        notify('conversation.user.created', c);
        return [
          200,
          { type: 'user_message', id: c.source.id, created_at: t, body: c.source.body, message_type: 'inapp', conversation_id: c.id },
        ];
      },
    },
    { method: 'GET', path: '/conversations/{conversation_id}', handler: ({ params }) => [200, out(get(params.conversation_id))] },
    {
      method: 'DELETE',
      path: '/conversations/{conversation_id}',
      handler: ({ params }) => {
        const c = get(params.conversation_id);
        store.conversations.delete(c.id);
        // "The *.deleted webhook topics send a minimal identification payload containing only
        // identifying fields — not the full resource object" (Intercom's Webhook Models page).
        ctx.emit('conversation.deleted', { type: 'conversation', id: c.id });
        return [200, { id: c.id, object: 'conversation', deleted: true }];
      },
    },
    {
      method: 'PUT',
      path: '/conversations/{conversation_id}',
      handler: ({ params, body }) => {
        const c = get(params.conversation_id);
        if (typeof body.read === 'boolean') c.read = body.read;
        if (typeof body.title === 'string') c.title = body.title;
        if (body.custom_attributes && typeof body.custom_attributes === 'object') {
          checkAttributesExist(ctx, 'conversation', body.custom_attributes as Record<string, unknown>);
          Object.assign(c.custom_attributes, body.custom_attributes);
        }
        c.updated_at = now();
        return [200, out(c)];
      },
    },
    {
      method: 'POST',
      path: '/conversations/{conversation_id}/reply',
      handler: async ({ params, body }) => {
        const c = get(params.conversation_id);
        const hasBody = typeof body.body === 'string' && body.body.length > 0;
        if (body.type === 'user' && body.message_type === 'quick_reply') {
          // The customer picks an option of the latest quick_reply part: "This value will be available
          // within the metadata of the comment conversation part that is created when a user clicks on
          // this reply option" (quick_reply_option.uuid); the description's contact_quick_reply_reply example.
          const contact = replyingContact(body);
          const picked = Array.isArray(body.reply_options) ? (body.reply_options as { uuid?: unknown }[]) : [];
          if (picked.length !== 1) throw badRequest('reply_options must hold the one option chosen');
          const offered = [...c.parts].reverse().find((part) => part.part_type === 'quick_reply')?.metadata?.quick_reply_options ?? [];
          const option = offered.find((candidate) => candidate.uuid === picked[0].uuid);
          if (!option) throw badRequest('reply_options: not an option of the latest quick reply');
          c.state = 'open';
          c.snoozed_until = null;
          c.waiting_since = now();
          addPart(c, 'comment', store.contactAuthor(contact), { body: toHtml(option.text), metadata: { quick_reply_uuid: option.uuid } });
          contact.last_replied_at = now();
          notify('conversation.user.replied', c);
          return [200, out(c)];
        }
        if (body.type === 'user') {
          if (body.message_type !== 'comment') throw badRequest('message_type must be comment for user replies');
          const contact = replyingContact(body);
          if (!hasBody && !body.attachment_urls) throw badRequest('body is required', 'parameter_not_found');
          const attachments = await ctx.attachments(body.attachment_urls);
          // A user reply reopens a closed or snoozed conversation, as in Intercom.
          c.state = 'open';
          c.snoozed_until = null;
          c.waiting_since = now();
          if (!c.contactIds.includes(contact.id)) c.contactIds.push(contact.id);
          addPart(c, 'comment', store.contactAuthor(contact), { body: hasBody ? toHtml(body.body) : null, attachments });
          contact.last_replied_at = now();
          notify('conversation.user.replied', c);
          return [200, out(c)];
        }
        if (body.type !== 'admin') throw badRequest('type must be user or admin');
        const a = admin(body.admin_id);
        const kind = body.message_type;
        if (kind !== 'comment' && kind !== 'note' && kind !== 'quick_reply')
          throw badRequest('message_type must be comment, note or quick_reply');
        let attachments: Attachment[] = await ctx.attachments(body.attachment_urls);
        if (Array.isArray(body.attachment_files)) {
          attachments = attachments.concat(
            (body.attachment_files as { name?: string; content_type?: string; data?: string }[]).map((f) => {
              const bytes = Buffer.from(f.data ?? '', 'base64');
              const id = store.nextId();
              const name = f.name ?? 'attachment';
              store.files.set(id, { name, contentType: f.content_type ?? 'application/octet-stream', bytes });
              return {
                type: 'upload' as const,
                name,
                url: `${ctx.baseUrl()}/_emulator/files/${id}/${encodeURIComponent(name)}`,
                content_type: f.content_type ?? 'application/octet-stream',
                filesize: bytes.length,
              };
            }),
          );
        }
        // reply_options "Must be present for quick_reply message types"; body only for comment and note.
        const options = Array.isArray(body.reply_options) ? (body.reply_options as { text?: unknown; uuid?: unknown }[]) : [];
        if (kind === 'quick_reply') {
          if (options.length === 0 || options.some((o) => typeof o.text !== 'string' || typeof o.uuid !== 'string'))
            throw badRequest('reply_options (text, uuid) are required for quick_reply', 'parameter_not_found');
        } else if (!hasBody && attachments.length === 0) throw badRequest('body is required', 'parameter_not_found');
        const partBody = hasBody ? toHtml(body.body) : null;
        if (kind === 'note') {
          addPart(c, 'note', store.adminAuthor(a), { body: partBody, attachments });
          notify('conversation.admin.noted', c);
        } else {
          c.waiting_since = null;
          c.read = false;
          const metadata =
            kind === 'quick_reply'
              ? { quick_reply_options: options.map((o) => ({ text: String(o.text), uuid: String(o.uuid) })) }
              : undefined;
          addPart(c, kind, store.adminAuthor(a), { body: partBody, attachments, metadata });
          notify('conversation.admin.replied', c);
        }
        return [200, out(c)];
      },
    },
    {
      method: 'POST',
      path: '/conversations/{conversation_id}/parts',
      handler: ({ params, body }) => {
        const c = get(params.conversation_id);
        const a = admin(body.admin_id);
        const author = store.adminAuthor(a);
        const partBody = typeof body.body === 'string' && body.body ? toHtml(body.body) : null;
        switch (body.message_type) {
          case 'close':
            c.state = 'closed';
            c.snoozed_until = null;
            addPart(c, 'close', author, { body: partBody });
            notify('conversation.admin.closed', c);
            break;
          case 'snoozed': {
            const until = Number(body.snoozed_until);
            if (!Number.isInteger(until) || until <= now()) throw badRequest('snoozed_until must be a future Unix timestamp');
            c.state = 'snoozed';
            c.snoozed_until = until;
            addPart(c, 'snoozed', author);
            notify('conversation.admin.snoozed', c);
            break;
          }
          case 'open': {
            const wasSnoozed = c.state === 'snoozed';
            c.state = 'open';
            c.snoozed_until = null;
            addPart(c, 'open', author);
            notify(wasSnoozed ? 'conversation.admin.unsnoozed' : 'conversation.admin.opened', c);
            break;
          }
          case 'assignment': {
            const assignee = str(body.assignee_id);
            if (assignee === undefined) throw badRequest('assignee_id is required', 'parameter_not_found');
            const type = body.type === 'team' ? 'team' : 'admin';
            if (type === 'admin') {
              if (assignee !== '0') admin(assignee);
              c.admin_assignee_id = assignee === '0' ? null : Number(assignee);
            } else {
              c.team_assignee_id = assignee === '0' ? null : Number(assignee);
            }
            addPart(c, 'assignment', author, { body: partBody, assigned_to: { type, id: assignee } });
            notify('conversation.admin.assigned', c);
            break;
          }
          default:
            throw badRequest('message_type must be close, snoozed, open or assignment');
        }
        return [200, out(c)];
      },
    },
    {
      method: 'POST',
      path: '/conversations/search',
      handler: ({ body }) => {
        const q = body.query as Filter | undefined;
        const hits = [...store.conversations.values()]
          .filter((c) =>
            matches(
              {
                id: c.id,
                contact_ids: c.contactIds,
                state: c.state,
                open: c.state !== 'closed',
                read: c.read,
                created_at: c.created_at,
                updated_at: c.updated_at,
                waiting_since: c.waiting_since,
                snoozed_until: c.snoozed_until,
                admin_assignee_id: c.admin_assignee_id,
                team_assignee_id: c.team_assignee_id,
                tag_ids: c.tags.map((t) => t.id),
                title: c.title,
                'source.author.id': c.source.author.id,
                'source.body': c.source.body,
              },
              q,
            ),
          )
          // search_request takes no sort and the description promises no order: the emulator answers
          // in creation order, so a client that reads only the first page misses the newest.
          .sort((x, y) => Number(x.id) - Number(y.id));
        const { page, total_count, pages } = paginate(hits, body.pagination as never);
        return [200, { type: 'conversation.list', conversations: page.map((c) => renderConversationItem(store, c)), total_count, pages }];
      },
    },
    {
      method: 'POST',
      path: '/conversations/{conversation_id}/tags',
      handler: ({ params, body }) => {
        const c = get(params.conversation_id);
        const a = admin(body.admin_id);
        const tag = store.tags.get(String(body.id));
        if (!tag) throw notFound('Tag not found');
        let applied = c.tags.find((t) => t.id === tag.id);
        if (!applied) {
          applied = { id: tag.id, applied_at: now(), applied_by: a.id };
          c.tags.push(applied);
          c.updated_at = now();
          ctx.emit('conversation_part.tag.created', out(c));
        }
        return [200, renderTag(store, tag, applied)];
      },
    },
    {
      method: 'DELETE',
      path: '/conversations/{conversation_id}/tags/{tag_id}',
      handler: ({ params, body }) => {
        const c = get(params.conversation_id);
        admin(body.admin_id);
        const tag = store.tags.get(params.tag_id);
        if (!tag) throw notFound('Tag not found');
        c.tags = c.tags.filter((t) => t.id !== tag.id);
        c.updated_at = now();
        return [200, renderTag(store, tag)];
      },
    },
  ];
}
