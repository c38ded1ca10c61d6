import {
  WORKSPACE_ID,
  type Admin,
  type Contact,
  type Conversation,
  type Part,
  type Store,
  type Tag,
  type Ticket,
  type TicketState,
  type TicketType,
} from './store';

/** JSON shapes exactly as Intercom 2.14 answers them (field names from the OpenAPI description). */
export type Json = Record<string, unknown>;

export function renderAdmin(a: Admin): Json {
  return {
    type: 'admin',
    id: a.id,
    name: a.name,
    email: a.email,
    job_title: a.job_title,
    away_mode_enabled: false,
    away_mode_reassign: false,
    away_status_reason_id: null,
    has_inbox_seat: !a.isBot,
    team_ids: [],
    avatar: null,
    team_priority_level: { primary_team_ids: null, secondary_team_ids: null },
  };
}

export function renderContact(c: Contact, baseUrl: string): Json {
  const list = (what: string) => ({ data: [], url: `/contacts/${c.id}/${what}`, total_count: 0, has_more: false });
  return {
    type: 'contact',
    id: c.id,
    workspace_id: WORKSPACE_ID,
    external_id: c.external_id,
    role: c.role,
    email: c.email ?? '',
    email_domain: c.email?.split('@')[1] ?? '',
    phone: c.phone,
    name: c.name,
    owner_id: c.owner_id,
    has_hard_bounced: false,
    marked_email_as_spam: false,
    unsubscribed_from_emails: c.unsubscribed_from_emails,
    created_at: c.created_at,
    updated_at: c.updated_at,
    signed_up_at: c.signed_up_at,
    last_seen_at: c.last_seen_at,
    last_replied_at: c.last_replied_at,
    last_contacted_at: null,
    last_email_opened_at: null,
    last_email_clicked_at: null,
    language_override: null,
    browser: null,
    browser_version: null,
    browser_language: null,
    os: null,
    android_app_name: null,
    android_app_version: null,
    android_device: null,
    android_os_version: null,
    android_sdk_version: null,
    android_last_seen_at: null,
    ios_app_name: null,
    ios_app_version: null,
    ios_device: null,
    ios_os_version: null,
    ios_sdk_version: null,
    ios_last_seen_at: null,
    custom_attributes: c.custom_attributes,
    avatar: c.avatar ? { type: 'avatar', image_url: c.avatar } : null,
    tags: { ...list('tags'), url: `${baseUrl}/contacts/${c.id}/tags` },
    notes: { ...list('notes'), url: `${baseUrl}/contacts/${c.id}/notes` },
    companies: { ...list('companies'), url: `${baseUrl}/contacts/${c.id}/companies` },
    location: { type: 'location', country: null, region: null, city: null },
    social_profiles: { data: [] },
    enabled_push_messaging: null,
  };
}

export function renderTag(store: Store, t: Tag, applied?: { applied_at: number; applied_by: string }): Json {
  const out: Json = { type: 'tag', id: t.id, name: t.name };
  if (applied) {
    out.applied_at = applied.applied_at;
    out.applied_by = { type: 'admin', id: applied.applied_by };
  }
  return out;
}

export function renderConversationPart(p: Part): Json {
  return {
    type: 'conversation_part',
    id: p.id,
    part_type: p.part_type,
    body: p.body,
    created_at: p.created_at,
    updated_at: p.updated_at,
    notified_at: p.created_at,
    assigned_to: p.assigned_to,
    author: p.author,
    attachments: p.attachments,
    external_id: null,
    redacted: false,
    email_message_metadata: null,
    metadata: p.metadata ?? null,
    state: p.state ?? 'open',
    tags: [],
    event_details: null,
    app_package_code: null,
  };
}

/** Without parts: the shape of conversation_list_item (search results). */
export function renderConversationItem(store: Store, c: Conversation): Json {
  const contacts = c.contactIds.map((id) => ({ type: 'contact', id, external_id: store.contacts.get(id)?.external_id ?? null }));
  const adminIds = new Set(c.parts.filter((p) => p.author.type === 'admin' || p.author.type === 'bot').map((p) => p.author.id));
  return {
    type: 'conversation',
    id: c.id,
    title: c.title,
    created_at: c.created_at,
    updated_at: c.updated_at,
    waiting_since: c.waiting_since,
    snoozed_until: c.snoozed_until,
    open: c.state !== 'closed',
    state: c.state,
    read: c.read,
    priority: 'not_priority',
    admin_assignee_id: c.admin_assignee_id,
    team_assignee_id: c.team_assignee_id,
    tags: {
      type: 'tag.list',
      tags: c.tags.flatMap((a) => {
        const t = store.tags.get(a.id);
        return t ? [renderTag(store, t, a)] : [];
      }),
    },
    conversation_rating: null,
    source: {
      type: 'conversation',
      id: c.source.id,
      delivered_as: c.deliveredAs,
      subject: c.source.subject,
      body: c.source.body,
      author: c.source.author,
      attachments: c.source.attachments,
      url: null,
      redacted: false,
    },
    contacts: { type: 'contact.list', contacts },
    teammates: { type: 'admin.list', teammates: [...adminIds].map((id) => ({ type: 'admin', id })) },
    custom_attributes: c.custom_attributes,
    first_contact_reply: { created_at: c.created_at, type: 'conversation', url: null },
    sla_applied: null,
    statistics: null,
    linked_objects: { type: 'list', total_count: 0, has_more: false, data: [] },
    ai_agent_participated: false,
    ai_agent: null,
  };
}

// retrieveConversation: "The maximum number of conversation parts that can be returned via the API
// is 500. If you have more than that we will return the 500 most recent conversation parts."
export const MAX_PARTS = 500;

export function renderConversation(store: Store, c: Conversation): Json {
  return {
    ...renderConversationItem(store, c),
    conversation_parts: {
      type: 'conversation_part.list',
      conversation_parts: c.parts.slice(-MAX_PARTS).map(renderConversationPart),
      total_count: c.parts.length,
    },
  };
}

export function renderTicketState(s: TicketState): Json {
  return { type: 'ticket_state', id: s.id, category: s.category, internal_label: s.internal_label, external_label: s.external_label };
}

export function renderTicketType(store: Store, t: TicketType): Json {
  return {
    type: 'ticket_type',
    id: t.id,
    category: t.category,
    name: t.name,
    description: t.description,
    icon: t.icon,
    workspace_id: WORKSPACE_ID,
    archived: false,
    created_at: t.created_at,
    updated_at: t.created_at,
    ticket_type_attributes: {
      type: 'list',
      ticket_type_attributes: ['_default_title_', '_default_description_'].map((name, i) => ({
        type: 'ticket_type_attribute',
        id: `${t.id}0${i + 1}`,
        workspace_id: WORKSPACE_ID,
        name,
        description: name === '_default_title_' ? 'Title' : 'Description',
        data_type: 'string',
        input_options: null,
        order: i,
        required_to_create: false,
        required_to_create_for_contacts: false,
        visible_on_create: true,
        visible_to_contacts: true,
        default: true,
        ticket_type_id: Number(t.id),
        archived: false,
        created_at: t.created_at,
        updated_at: t.created_at,
      })),
    },
    ticket_states: { type: 'list', data: store.ticketStates.map(renderTicketState) },
  };
}

export function renderTicketPart(p: Part): Json {
  const out: Json = {
    type: 'ticket_part',
    id: p.id,
    part_type: p.part_type,
    body: p.body,
    created_at: p.created_at,
    updated_at: p.updated_at,
    assigned_to: p.assigned_to,
    author: p.author,
    attachments: p.attachments,
    external_id: null,
    redacted: false,
  };
  if (p.previous_ticket_state) out.previous_ticket_state = p.previous_ticket_state;
  if (p.ticket_state) out.ticket_state = p.ticket_state;
  return out;
}

export function renderTicket(store: Store, t: Ticket, withParts = true): Json {
  const type = store.ticketType(t.ticket_type_id);
  const out: Json = {
    type: 'ticket',
    id: t.id,
    ticket_id: t.ticket_id,
    category: type?.category ?? 'Customer',
    ticket_attributes: t.attributes,
    ticket_state: renderTicketState(store.ticketState(t.stateId)),
    ticket_type: type ? renderTicketType(store, type) : null,
    contacts: {
      type: 'contact.list',
      contacts: t.contactIds.map((id) => ({ type: 'contact', id, external_id: store.contacts.get(id)?.external_id ?? null })),
    },
    admin_assignee_id: t.admin_assignee_id,
    team_assignee_id: t.team_assignee_id,
    created_at: t.created_at,
    updated_at: t.updated_at,
    open: t.open,
    linked_objects: { type: 'list', data: [], total_count: 0, has_more: false },
    is_shared: type?.category === 'Customer',
  };
  // Intercom leaves snoozed_until out unless the ticket is snoozed (the description types it non-null).
  if (t.snoozed_until !== null) out.snoozed_until = t.snoozed_until;
  if (withParts) {
    out.ticket_parts = { type: 'ticket_part.list', ticket_parts: t.parts.map(renderTicketPart), total_count: t.parts.length };
  }
  return out;
}
