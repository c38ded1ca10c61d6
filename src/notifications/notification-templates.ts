import { isLanguage, primaryLanguage } from '../user-languages/primary-language';
import type { NotificationKind } from './push-sender';

export interface TemplateValues {
  author?: string;
  preview?: string;
  reference?: string;
  state?: string;
  title?: string;
}

type TemplateKey = `${NotificationKind}.${'title' | 'body'}` | 'button';
type TemplateSet = Record<TemplateKey, string>;

export const FALLBACK_LANGUAGE = 'en';

// Built-in texts. PUSH_TEMPLATES (JSON) overrides any of them: `conversation_reply.title` changes
// the English (fallback) text, `ru.conversation_reply.title` the Russian one; a language not built
// in may be added the same way (its missing keys fall back to English). `button` is the Telegram
// button's label.
const BUILT_IN: Readonly<Record<string, TemplateSet>> = {
  en: {
    'conversation_reply.title': 'New reply from {author}',
    'conversation_reply.body': '{preview}',
    'conversation_closed.title': 'Your conversation was closed',
    'conversation_closed.body': 'How did we do? Tap to rate the conversation.',
    'conversation_snoozed.title': 'We will get back to you',
    'conversation_snoozed.body': 'Your conversation is on hold for now.',
    'ticket_reply.title': 'New reply on ticket {reference}',
    'ticket_reply.body': '{preview}',
    'ticket_state.title': 'Ticket {reference} updated',
    'ticket_state.body': 'Status: {state}',
    button: 'Open',
  },
  ru: {
    'conversation_reply.title': 'Новый ответ от {author}',
    'conversation_reply.body': '{preview}',
    'conversation_closed.title': 'Ваше обращение закрыто',
    'conversation_closed.body': 'Как мы справились? Нажмите, чтобы оценить.',
    'conversation_snoozed.title': 'Мы вернёмся к вам',
    'conversation_snoozed.body': 'Ваше обращение пока отложено.',
    'ticket_reply.title': 'Новый ответ по заявке {reference}',
    'ticket_reply.body': '{preview}',
    'ticket_state.title': 'Заявка {reference} обновлена',
    'ticket_state.body': 'Статус: {state}',
    button: 'Открыть',
  },
  es: {
    'conversation_reply.title': 'Nueva respuesta de {author}',
    'conversation_reply.body': '{preview}',
    'conversation_closed.title': 'Tu conversación se ha cerrado',
    'conversation_closed.body': '¿Qué tal lo hicimos? Toca para valorar la conversación.',
    'conversation_snoozed.title': 'Te responderemos pronto',
    'conversation_snoozed.body': 'Tu conversación está en espera por ahora.',
    'ticket_reply.title': 'Nueva respuesta en el ticket {reference}',
    'ticket_reply.body': '{preview}',
    'ticket_state.title': 'Ticket {reference} actualizado',
    'ticket_state.body': 'Estado: {state}',
    button: 'Abrir',
  },
  de: {
    'conversation_reply.title': 'Neue Antwort von {author}',
    'conversation_reply.body': '{preview}',
    'conversation_closed.title': 'Ihre Unterhaltung wurde geschlossen',
    'conversation_closed.body': 'Wie war unser Support? Tippen Sie, um zu bewerten.',
    'conversation_snoozed.title': 'Wir melden uns bei Ihnen',
    'conversation_snoozed.body': 'Ihre Unterhaltung ist vorerst zurückgestellt.',
    'ticket_reply.title': 'Neue Antwort zu Ticket {reference}',
    'ticket_reply.body': '{preview}',
    'ticket_state.title': 'Ticket {reference} aktualisiert',
    'ticket_state.body': 'Status: {state}',
    button: 'Öffnen',
  },
};

export const TEMPLATE_KEYS: readonly string[] = Object.keys(BUILT_IN[FALLBACK_LANGUAGE]);

// One line of plain text, cut at a word boundary when possible, with an ellipsis.
export function truncatePreview(text: string, maxLength: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line.length <= maxLength) return line;
  const cut = line.slice(0, maxLength - 1);
  const lastSpace = cut.lastIndexOf(' ');
  return `${lastSpace > maxLength * 0.6 ? cut.slice(0, lastSpace) : cut}…`;
}

// The texts of every language, built-in plus overrides; a missing key falls back to English.
export class NotificationTemplates {
  private readonly languages = new Map<string, Partial<TemplateSet>>();

  constructor(overrides: Record<string, string>) {
    for (const [language, set] of Object.entries(BUILT_IN)) this.languages.set(language, { ...set });
    const unknown: string[] = [];
    for (const [key, text] of Object.entries(overrides)) {
      const [first, ...rest] = key.split('.');
      const prefixed = isLanguage(first) && TEMPLATE_KEYS.includes(rest.join('.'));
      const language = prefixed ? first : FALLBACK_LANGUAGE;
      const templateKey = (prefixed ? rest.join('.') : key) as TemplateKey;
      if (!TEMPLATE_KEYS.includes(templateKey)) {
        unknown.push(key);
        continue;
      }
      this.languages.set(language, { ...this.languages.get(language), [templateKey]: text });
    }
    if (unknown.length) throw new Error(`PUSH_TEMPLATES has unknown keys: ${unknown.join(', ')}`);
  }

  // The first of the given languages that we have texts for, else English.
  resolve(...candidates: (string | null | undefined)[]): string {
    for (const candidate of candidates) {
      const language = primaryLanguage(candidate);
      if (language && this.languages.has(language)) return language;
    }
    return FALLBACK_LANGUAGE;
  }

  render(kind: NotificationKind, values: TemplateValues, language = FALLBACK_LANGUAGE): { title: string; body: string } {
    return { title: this.fill(language, `${kind}.title`, values), body: this.fill(language, `${kind}.body`, values) };
  }

  button(language = FALLBACK_LANGUAGE): string {
    return this.text(language, 'button');
  }

  private text(language: string, key: TemplateKey): string {
    return this.languages.get(language)?.[key] ?? this.languages.get(FALLBACK_LANGUAGE)![key]!;
  }

  // Unknown or empty placeholders render as nothing; the result is trimmed.
  private fill(language: string, key: TemplateKey, values: TemplateValues): string {
    return this.text(language, key)
      .replace(/\{(\w+)\}/g, (_match, name: string) => values[name as keyof TemplateValues] ?? '')
      .trim();
  }
}
