import { randomBytes } from 'node:crypto';

/** Unix seconds, as every Intercom timestamp. */
export const now = (): number => Math.floor(Date.now() / 1000);

/** The admin the BFF acts as (notes, tags, closes). Its parts are authored as `bot`. */
export const BOT_ADMIN_ID = '991267001';
/** A human operator, for scripted inbox actions. */
export const OPERATOR_ADMIN_ID = '991267002';

export interface Admin {
  id: string;
  name: string;
  email: string;
  job_title: string;
  isBot: boolean;
}
export interface Attachment {
  type: 'upload';
  name: string;
  url: string;
  content_type: string;
  filesize: number;
}
export interface Author {
  type: 'user' | 'admin' | 'bot' | 'team';
  id: string;
  name: string | null;
  email?: string;
}
export interface Part {
  id: string;
  part_type: string;
  body: string | null;
  created_at: number;
  updated_at: number;
  author: Author;
  attachments: Attachment[];
  assigned_to: { type: string; id: string } | null;
  state?: 'open' | 'closed' | 'snoozed';
  previous_ticket_state?: TicketCategory;
  /** conversation_part_metadata: the options of a quick_reply part, or the option a customer picked. */
  metadata?: { quick_reply_options?: { text: string; uuid: string }[]; quick_reply_uuid?: string };
  ticket_state?: TicketCategory;
}
export interface Contact {
  id: string;
  external_id: string | null;
  email: string | null;
  phone: string | null;
  name: string | null;
  role: 'user' | 'lead';
  avatar: string | null;
  owner_id: number | null;
  unsubscribed_from_emails: boolean;
  custom_attributes: Record<string, unknown>;
  created_at: number;
  updated_at: number;
  signed_up_at: number | null;
  last_seen_at: number | null;
  last_replied_at: number | null;
  /** Epoch ms from which POST /contacts/search finds it (see EmulatorOptions.searchLagMs). */
  searchableAt: number;
}
export interface AppliedTag {
  id: string;
  applied_at: number;
  applied_by: string;
}
export interface Conversation {
  id: string;
  title: string | null;
  created_at: number;
  updated_at: number;
  waiting_since: number | null;
  snoozed_until: number | null;
  state: 'open' | 'closed' | 'snoozed';
  read: boolean;
  admin_assignee_id: number | null;
  team_assignee_id: number | null;
  tags: AppliedTag[];
  contactIds: string[];
  custom_attributes: Record<string, unknown>;
  source: { id: string; body: string; subject: string; author: Author; attachments: Attachment[]; created_at: number };
  /**
   * conversation_source.delivered_as: "customer_initiated, campaigns_initiated (legacy campaigns),
   * operator_initiated (Custom bot), automated (Series and other outbounds with dynamic audience
   * message) and admin_initiated (fixed audience message, ticket initiated by an admin, …)".
   */
  deliveredAs: 'customer_initiated' | 'campaigns_initiated' | 'operator_initiated' | 'automated' | 'admin_initiated';
  parts: Part[];
}
export type TicketCategory = 'submitted' | 'in_progress' | 'waiting_on_customer' | 'resolved';
export interface TicketState {
  id: string;
  category: TicketCategory;
  internal_label: string;
  external_label: string;
}
export interface TicketType {
  id: string;
  name: string;
  description: string;
  icon: string;
  category: 'Customer' | 'Back-office' | 'Tracker';
  created_at: number;
}
export interface Ticket {
  id: string;
  ticket_id: string;
  ticket_type_id: string;
  stateId: string;
  contactIds: string[];
  attributes: Record<string, unknown>;
  admin_assignee_id: string;
  team_assignee_id: string;
  created_at: number;
  updated_at: number;
  open: boolean;
  snoozed_until: number | null;
  parts: Part[];
}
export interface Tag {
  id: string;
  name: string;
}
export interface DataAttribute {
  id: number;
  model: 'contact' | 'company' | 'conversation';
  name: string;
  data_type: 'string' | 'integer' | 'float' | 'boolean' | 'date' | 'datetime' | 'options';
  description: string;
  options?: string[];
  messenger_writable: boolean;
  archived: boolean;
  created_at: number;
  updated_at: number;
}
export interface StoredFile {
  name: string;
  contentType: string;
  bytes: Buffer;
}

export const WORKSPACE_ID = 'emul8r';

function seedAdmins(): Admin[] {
  return [
    { id: BOT_ADMIN_ID, name: 'Support Bot', email: 'support-bot@emulator.intercom.test', job_title: 'Bot', isBot: true },
    { id: OPERATOR_ADMIN_ID, name: 'Olivia Operator', email: 'olivia@emulator.intercom.test', job_title: 'Support', isBot: false },
  ];
}

function seedTicketStates(): TicketState[] {
  return [
    { id: '1', category: 'submitted', internal_label: 'Submitted', external_label: 'Submitted' },
    { id: '2', category: 'in_progress', internal_label: 'In progress', external_label: 'In progress' },
    { id: '3', category: 'waiting_on_customer', internal_label: 'Waiting on customer', external_label: 'Awaiting your reply' },
    { id: '4', category: 'resolved', internal_label: 'Resolved', external_label: 'Resolved' },
  ];
}

function seedTicketTypes(t: number): TicketType[] {
  return [
    { id: '1', name: 'Customer request', description: 'A request from a customer', icon: '🎟️', category: 'Customer', created_at: t },
    { id: '2', name: 'Back-office review', description: 'Internal follow-up', icon: '🗂️', category: 'Back-office', created_at: t },
    {
      id: '3',
      name: 'Incident tracker',
      description: 'Tracks an incident across customers',
      icon: '🐞',
      category: 'Tracker',
      created_at: t,
    },
  ];
}

/** All emulator state, in memory. `reset()` wipes it back to the seeds (admins, ticket types/states). */
export class Store {
  admins!: Admin[];
  ticketStates!: TicketState[];
  ticketTypes!: TicketType[];
  contacts!: Map<string, Contact>;
  conversations!: Map<string, Conversation>;
  tickets!: Map<string, Ticket>;
  tags!: Map<string, Tag>;
  files!: Map<string, StoredFile>;
  /** Custom attributes defined for the workspace (none at first, as in a new workspace). */
  dataAttributes!: DataAttribute[];
  private seq!: number;
  private ticketSeq!: number;

  constructor(readonly ticketPrefix: string) {
    this.reset();
  }

  reset(): void {
    this.admins = seedAdmins();
    this.ticketStates = seedTicketStates();
    this.ticketTypes = seedTicketTypes(now());
    this.contacts = new Map();
    this.conversations = new Map();
    this.tickets = new Map();
    this.tags = new Map();
    this.files = new Map();
    this.dataAttributes = [];
    this.seq = 1000;
    this.ticketSeq = 0;
  }

  /** Numeric-string ids, like Intercom's conversation / part / ticket / tag ids. */
  nextId(): string {
    return String(++this.seq);
  }

  /** Contact ids look like Intercom's: 24 hex digits. */
  contactId(): string {
    return randomBytes(12).toString('hex');
  }

  nextTicketRef(): string {
    return `${this.ticketPrefix}${++this.ticketSeq}`;
  }

  admin(id: string | number | undefined): Admin | undefined {
    return this.admins.find((a) => a.id === String(id));
  }

  adminAuthor(a: Admin): Author {
    return { type: a.isBot ? 'bot' : 'admin', id: a.id, name: a.name, email: a.email };
  }

  contactAuthor(c: Contact): Author {
    return c.email ? { type: 'user', id: c.id, name: c.name, email: c.email } : { type: 'user', id: c.id, name: c.name };
  }

  ticketState(id: string): TicketState {
    const s = this.ticketStates.find((x) => x.id === id);
    if (!s) throw new Error(`unknown ticket state ${id}`);
    return s;
  }

  ticketType(id: string): TicketType | undefined {
    return this.ticketTypes.find((x) => x.id === id);
  }
}
