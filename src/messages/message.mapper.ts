import { decodeHTML } from 'entities';
import sanitizeHtml from 'sanitize-html';
import type { MessageAttachmentDto, MessageAuthorDto, MessageDto, QuickReplyOptionDto } from './message.dto';

// The subset of an Intercom conversation part / ticket part / conversation source we read.
export interface IntercomPartLike {
  id?: string;
  part_type?: string;
  body?: string | null;
  created_at?: number;
  author?: { type?: string; id?: string; name?: string | null; avatar?: { image_url?: string | null } | string | null };
  attachments?: { name?: string; url?: string; content_type?: string; filesize?: number }[];
  // conversation_part_metadata: an admin/bot quick_reply part's options, or the option a customer picked.
  metadata?: { quick_reply_options?: { text?: string; uuid?: string }[]; quick_reply_uuid?: string } | null;
}

// Only these reach a customer. Notes, assignments, state changes, tag events and anything new
// Intercom invents stay internal by default.
const VISIBLE_PART_TYPES = new Set(['comment', 'conversation_source']);
// An admin's or bot's question with answer buttons (replyConversation's admin_quick_reply_reply).
const QUICK_REPLY = 'quick_reply';
// A close or reopen carrying a message is shown to the customer by Intercom too.
const VISIBLE_WHEN_WITH_BODY = new Set(['close', 'open']);
const CUSTOMER_AUTHORS = new Set(['user', 'lead', 'contact']);

const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'b',
    'strong',
    'i',
    'em',
    'u',
    's',
    'a',
    'ul',
    'ol',
    'li',
    'blockquote',
    'code',
    'pre',
    'img',
    'h1',
    'h2',
    'h3',
    'span',
    'div',
  ],
  allowedAttributes: { a: ['href', 'title', 'target', 'rel'], img: ['src', 'alt', 'width', 'height'] },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesByTag: { img: ['https', 'http'] },
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer', target: '_blank' }) },
};

export function isCustomerVisible(part: IntercomPartLike): boolean {
  const type = part.part_type ?? '';
  if (!part.author?.type || !['user', 'lead', 'contact', 'admin', 'bot'].includes(part.author.type)) return false;
  if (VISIBLE_PART_TYPES.has(type)) return true;
  // Shown when there is something to show: its options (the description's own example part has
  // none in metadata) or a question in its body.
  if (type === QUICK_REPLY)
    return !CUSTOMER_AUTHORS.has(part.author.type) && (quickReplyOptions(part).length > 0 || htmlToText(part.body ?? '') !== '');
  return VISIBLE_WHEN_WITH_BODY.has(type) && !CUSTOMER_AUTHORS.has(part.author.type) && htmlToText(part.body ?? '') !== '';
}

export function sanitizeMessageHtml(html: string): string {
  return sanitizeHtml(html, SANITIZE_OPTIONS);
}

export function htmlToText(html: string): string {
  const withBreaks = html.replace(/<br\s*\/?>/gi, '\n').replace(/<\/(p|div|li|h[1-6]|blockquote|pre)>/gi, '\n');
  const text = decodeHTML(sanitizeHtml(withBreaks, { allowedTags: [], allowedAttributes: {} }));
  return text.replace(/\n{3,}/g, '\n\n').trim();
}

function mapAuthor(author: NonNullable<IntercomPartLike['author']>): MessageAuthorDto {
  const type = author.type === 'bot' ? 'bot' : author.type === 'admin' ? 'admin' : 'user';
  const avatar = typeof author.avatar === 'string' ? author.avatar : (author.avatar?.image_url ?? null);
  return { type, name: author.name ?? (type === 'user' ? 'You' : 'Support'), avatarUrl: avatar || null };
}

function mapAttachments(attachments: IntercomPartLike['attachments']): MessageAttachmentDto[] {
  return (attachments ?? [])
    .filter((attachment) => attachment.url)
    .map((attachment) => ({
      name: attachment.name ?? 'attachment',
      url: attachment.url!,
      contentType: attachment.content_type ?? 'application/octet-stream',
      size: attachment.filesize ?? 0,
    }));
}

// The options of a quick_reply part, as the customer may pick them (both fields present).
export function quickReplyOptions(part: IntercomPartLike): QuickReplyOptionDto[] {
  if (part.part_type !== QUICK_REPLY) return [];
  return (part.metadata?.quick_reply_options ?? [])
    .filter((option) => typeof option.uuid === 'string' && option.uuid !== '' && typeof option.text === 'string')
    .map((option) => ({ uuid: option.uuid!, text: option.text! }));
}

// Intercom part (seconds, HTML) → our message (ms, plain text + sanitized HTML). The one mapper
// shared by conversations and tickets.
export function toMessage(part: IntercomPartLike, clientMessageIds: ReadonlyMap<string, string> = new Map()): MessageDto {
  const html = part.body ? sanitizeMessageHtml(part.body) : '';
  const id = part.id ?? '';
  const message: MessageDto = {
    id,
    body: part.body ? htmlToText(part.body) : '',
    html: html === '' ? null : html,
    author: mapAuthor(part.author ?? {}),
    createdAt: (part.created_at ?? 0) * 1000,
    attachments: mapAttachments(part.attachments),
    clientMessageId: clientMessageIds.get(id) ?? null,
  };
  // Only on the messages they concern, so every other message keeps the shape api.md gives.
  const options = quickReplyOptions(part);
  if (options.length) message.quickReplyOptions = options;
  const picked = part.metadata?.quick_reply_uuid;
  if (typeof picked === 'string' && picked !== '' && CUSTOMER_AUTHORS.has(part.author?.type ?? '')) message.quickReplyUuid = picked;
  return message;
}

export function toVisibleMessages(parts: IntercomPartLike[], clientMessageIds?: ReadonlyMap<string, string>): MessageDto[] {
  return parts.filter(isCustomerVisible).map((part) => toMessage(part, clientMessageIds));
}

// User text goes to Intercom as HTML: escape it so it is shown as typed, never interpreted.
export function textToHtml(text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  return escaped
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${paragraph.replace(/\n/g, '<br>')}</p>`)
    .join('');
}
