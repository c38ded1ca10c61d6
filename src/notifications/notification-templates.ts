import type { NotificationKind } from './push-sender';

export interface TemplateValues {
  author?: string;
  preview?: string;
  reference?: string;
  state?: string;
  title?: string;
}

// Defaults; PUSH_TEMPLATES (JSON) overrides any key, e.g. {"conversation_reply.title":"{author} answered"}.
export const DEFAULT_TEMPLATES: Record<`${NotificationKind}.${'title' | 'body'}`, string> = {
  'conversation_reply.title': 'New reply from {author}',
  'conversation_reply.body': '{preview}',
  'conversation_closed.title': 'Your conversation was closed',
  'conversation_closed.body': 'How did we do? Tap to rate the conversation.',
  'ticket_reply.title': 'New reply on ticket {reference}',
  'ticket_reply.body': '{preview}',
  'ticket_state.title': 'Ticket {reference} updated',
  'ticket_state.body': 'Status: {state}',
};

export const TEMPLATE_KEYS = Object.keys(DEFAULT_TEMPLATES);

// One line of plain text, cut at a word boundary when possible, with an ellipsis.
export function truncatePreview(text: string, maxLength: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line.length <= maxLength) return line;
  const cut = line.slice(0, maxLength - 1);
  const lastSpace = cut.lastIndexOf(' ');
  return `${lastSpace > maxLength * 0.6 ? cut.slice(0, lastSpace) : cut}…`;
}

export class NotificationTemplates {
  private readonly templates: Record<string, string>;

  constructor(overrides: Record<string, string>) {
    const unknown = Object.keys(overrides).filter((key) => !TEMPLATE_KEYS.includes(key));
    if (unknown.length) throw new Error(`PUSH_TEMPLATES has unknown keys: ${unknown.join(', ')}`);
    this.templates = { ...DEFAULT_TEMPLATES, ...overrides };
  }

  render(kind: NotificationKind, values: TemplateValues): { title: string; body: string } {
    return { title: this.fill(`${kind}.title`, values), body: this.fill(`${kind}.body`, values) };
  }

  // Unknown or empty placeholders render as nothing; the result is trimmed.
  private fill(key: string, values: TemplateValues): string {
    return this.templates[key].replace(/\{(\w+)\}/g, (_match, name: string) => values[name as keyof TemplateValues] ?? '').trim();
  }
}
