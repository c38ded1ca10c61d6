import { OPERATOR_ADMIN_ID } from './store';

type Json = Record<string, unknown>;

/**
 * An inbox operator scripted through the emulator's own Intercom API (the same paths Intercom
 * serves), so operator actions take exactly the road a real teammate's actions do.
 */
export class Operator {
  constructor(
    readonly baseUrl: string,
    readonly adminId: string = OPERATOR_ADMIN_ID,
    private readonly token = 'emulator-operator-token',
  ) {}

  async call<T = Json>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        'content-type': 'application/json',
        accept: 'application/json',
        'intercom-version': '2.14',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as T;
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
    return json;
  }

  reply(conversationId: string, body: string, attachmentUrls?: string[]): Promise<Json> {
    return this.call('POST', `/conversations/${conversationId}/reply`, {
      message_type: 'comment',
      type: 'admin',
      admin_id: this.adminId,
      body,
      ...(attachmentUrls ? { attachment_urls: attachmentUrls } : {}),
    });
  }
  /** A quick reply (admin_quick_reply_reply): answer buttons, optionally with a question in `body`. */
  quickReply(conversationId: string, options: { text: string; uuid: string }[], body?: string): Promise<Json> {
    return this.call('POST', `/conversations/${conversationId}/reply`, {
      message_type: 'quick_reply',
      type: 'admin',
      admin_id: this.adminId,
      reply_options: options,
      ...(body ? { body } : {}),
    });
  }
  note(conversationId: string, body: string): Promise<Json> {
    return this.call('POST', `/conversations/${conversationId}/reply`, {
      message_type: 'note',
      type: 'admin',
      admin_id: this.adminId,
      body,
    });
  }
  close(conversationId: string, body?: string): Promise<Json> {
    return this.call('POST', `/conversations/${conversationId}/parts`, {
      message_type: 'close',
      type: 'admin',
      admin_id: this.adminId,
      ...(body ? { body } : {}),
    });
  }
  snooze(conversationId: string, snoozedUntil: number): Promise<Json> {
    return this.call('POST', `/conversations/${conversationId}/parts`, {
      message_type: 'snoozed',
      admin_id: this.adminId,
      snoozed_until: snoozedUntil,
    });
  }
  open(conversationId: string): Promise<Json> {
    return this.call('POST', `/conversations/${conversationId}/parts`, { message_type: 'open', admin_id: this.adminId });
  }
  assign(conversationId: string, assigneeId: string = this.adminId): Promise<Json> {
    return this.call('POST', `/conversations/${conversationId}/parts`, {
      message_type: 'assignment',
      type: 'admin',
      admin_id: this.adminId,
      assignee_id: assigneeId,
    });
  }
  /** Creates the tag if needed, then tags the conversation. */
  async tag(conversationId: string, name: string): Promise<Json> {
    const tag = await this.call('POST', '/tags', { name });
    return this.call('POST', `/conversations/${conversationId}/tags`, { id: String(tag.id), admin_id: this.adminId });
  }
  /** Sets a ticket's state by category (submitted, in_progress, waiting_on_customer, resolved) or state id. */
  async setTicketState(ticketId: string, categoryOrStateId: string): Promise<Json> {
    const states = await this.call<{ data: { id: string; category: string }[] }>('GET', '/ticket_states');
    const s = states.data.find((x) => x.category === categoryOrStateId || x.id === categoryOrStateId);
    if (!s) throw new Error(`unknown ticket state ${categoryOrStateId}`);
    return this.call('PUT', `/tickets/${ticketId}`, { ticket_state_id: s.id, admin_id: Number(this.adminId) });
  }
  replyTicket(ticketId: string, body: string): Promise<Json> {
    return this.call('POST', `/tickets/${ticketId}/reply`, { message_type: 'comment', type: 'admin', admin_id: this.adminId, body });
  }
  noteTicket(ticketId: string, body: string): Promise<Json> {
    return this.call('POST', `/tickets/${ticketId}/reply`, { message_type: 'note', type: 'admin', admin_id: this.adminId, body });
  }
  setTicketOpen(ticketId: string, open: boolean): Promise<Json> {
    return this.call('PUT', `/tickets/${ticketId}`, { open, admin_id: Number(this.adminId) });
  }
  /** Creates a ticket for a contact (ticket type by id or by category name). */
  async createTicket(contactId: string, typeIdOrCategory: string, title: string, description = ''): Promise<Json> {
    const types = await this.call<{ data: { id: string; category: string }[] }>('GET', '/ticket_types');
    const t = types.data.find((x) => x.id === typeIdOrCategory || x.category === typeIdOrCategory);
    if (!t) throw new Error(`unknown ticket type ${typeIdOrCategory}`);
    return this.call('POST', '/tickets', {
      ticket_type_id: t.id,
      contacts: [{ id: contactId }],
      ticket_attributes: { _default_title_: title, _default_description_: description },
    });
  }
}
