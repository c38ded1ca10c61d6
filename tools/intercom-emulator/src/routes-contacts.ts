import { str, type Ctx, type Route } from './context';
import { ApiError, badRequest, notFound } from './errors';
import { renderContact } from './render';
import { checkAttributesExist } from './routes-data-attributes';
import { matches, paginate, type Filter } from './search';
import { now, type Contact } from './store';

// The message names the existing contact (Intercom-OpenAPI PR #543 documents this 409 on create;
// integrators parse the id from it, e.g. PostHog/posthog#72192): the way to resolve a create race
// while search does not see the new contact yet.
const conflict = (c: Contact) => new ApiError(409, 'conflict', `A contact matching those details already exists with id=${c.id}`);

export function contactsRoutes(ctx: Ctx): Route[] {
  const { store } = ctx;
  const get = (id: string): Contact => {
    const c = store.contacts.get(id);
    if (!c) throw notFound('User Not Found');
    return c;
  };
  const byExternalId = (ext: string) => [...store.contacts.values()].find((c) => c.external_id === ext);
  const render = (c: Contact) => renderContact(c, ctx.baseUrl());

  function applyFields(c: Contact, b: Record<string, unknown>): void {
    // Checked before anything changes: a refused update leaves the contact as it was.
    if (b.custom_attributes !== undefined && b.custom_attributes !== null) {
      if (typeof b.custom_attributes !== 'object' || Array.isArray(b.custom_attributes))
        throw badRequest('custom_attributes must be an object');
      checkAttributesExist(ctx, 'contact', b.custom_attributes as Record<string, unknown>);
    }
    if (b.external_id !== undefined) {
      const ext = str(b.external_id) ?? null;
      const other = ext ? byExternalId(ext) : undefined;
      if (other && other.id !== c.id) throw conflict(other);
      c.external_id = ext;
    }
    if (b.role === 'user' || b.role === 'lead') c.role = b.role;
    if (b.email !== undefined) c.email = str(b.email) ?? null;
    if (b.phone !== undefined) c.phone = str(b.phone) ?? null;
    if (b.name !== undefined) c.name = str(b.name) ?? null;
    if (b.avatar !== undefined) c.avatar = str(b.avatar) ?? null;
    if (b.signed_up_at !== undefined) c.signed_up_at = typeof b.signed_up_at === 'number' ? b.signed_up_at : null;
    if (b.last_seen_at !== undefined) c.last_seen_at = typeof b.last_seen_at === 'number' ? b.last_seen_at : null;
    if (b.owner_id !== undefined) c.owner_id = typeof b.owner_id === 'number' ? b.owner_id : null;
    if (typeof b.unsubscribed_from_emails === 'boolean') c.unsubscribed_from_emails = b.unsubscribed_from_emails;
    if (b.custom_attributes !== undefined && b.custom_attributes !== null) {
      // Intercom merges: only the keys sent change; null clears a value.
      Object.assign(c.custom_attributes, b.custom_attributes);
    }
  }

  return [
    {
      method: 'POST',
      path: '/contacts',
      handler: ({ body }) => {
        if (body.email === undefined && body.external_id === undefined && body.role === undefined) {
          throw badRequest('One of email, external_id or role is required', 'parameter_not_found');
        }
        const ext = str(body.external_id);
        const dup = ext ? byExternalId(ext) : undefined;
        if (dup) throw conflict(dup);
        const t = now();
        const c: Contact = {
          id: store.contactId(),
          external_id: null,
          email: null,
          phone: null,
          name: null,
          role: body.role === 'lead' ? 'lead' : 'user',
          avatar: null,
          owner_id: null,
          unsubscribed_from_emails: false,
          custom_attributes: {},
          created_at: t,
          updated_at: t,
          signed_up_at: null,
          last_seen_at: null,
          last_replied_at: null,
          searchableAt: Date.now() + ctx.searchLagMs,
        };
        applyFields(c, body);
        store.contacts.set(c.id, c);
        return [200, render(c)];
      },
    },
    { method: 'GET', path: '/contacts/{contact_id}', handler: ({ params }) => [200, render(get(params.contact_id))] },
    {
      method: 'GET',
      path: '/contacts/find_by_external_id/{external_id}',
      handler: ({ params }) => {
        const c = byExternalId(params.external_id);
        if (!c) throw notFound('User Not Found');
        return [200, render(c)];
      },
    },
    {
      method: 'PUT',
      path: '/contacts/{contact_id}',
      handler: ({ params, body }) => {
        const c = get(params.contact_id);
        applyFields(c, body);
        c.updated_at = now();
        return [200, render(c)];
      },
    },
    {
      method: 'POST',
      path: '/contacts/search',
      handler: ({ body }) => {
        const q = body.query as Filter | undefined;
        // The search index lags behind creation (SearchContacts: "This delay can take a few minutes");
        // GET /contacts/{id} and the 409 on a duplicate create see the contact at once.
        const indexed = Date.now();
        const hits = [...store.contacts.values()].filter((c) => {
          if (c.searchableAt > indexed) return false;
          const fields: Record<string, unknown> = {
            id: c.id,
            external_id: c.external_id,
            email: c.email,
            name: c.name,
            phone: c.phone,
            role: c.role,
            created_at: c.created_at,
            updated_at: c.updated_at,
            last_seen_at: c.last_seen_at,
            signed_up_at: c.signed_up_at,
          };
          for (const [k, v] of Object.entries(c.custom_attributes)) fields[`custom_attributes.${k}`] = v;
          return matches(fields, q);
        });
        const { page, total_count, pages } = paginate(hits, body.pagination as never);
        return [200, { type: 'list', data: page.map(render), total_count, pages }];
      },
    },
  ];
}
