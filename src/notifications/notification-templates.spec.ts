import { NotificationTemplates, truncatePreview } from './notification-templates';

describe(truncatePreview.name, () => {
  it('keeps short text, flattened to one line', () => {
    expect(truncatePreview('  Hello\n\nthere  ', 120)).toBe('Hello there');
  });

  it('cuts long text at a word boundary within the limit, with an ellipsis', () => {
    const preview = truncatePreview('word '.repeat(100), 120);
    expect(preview.length).toBeLessThanOrEqual(120);
    expect(preview.endsWith('word…')).toBe(true);
  });

  it('cuts a long single word hard', () => {
    expect(truncatePreview('x'.repeat(200), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});

describe(NotificationTemplates.name, () => {
  it('renders the defaults with the values', () => {
    const templates = new NotificationTemplates({});
    expect(templates.render('conversation_reply', { author: 'Anna', preview: 'Hi' })).toEqual({ title: 'New reply from Anna', body: 'Hi' });
    expect(templates.render('ticket_state', { reference: 'AW-1', state: 'Resolved' })).toEqual({
      title: 'Ticket AW-1 updated',
      body: 'Status: Resolved',
    });
  });

  it('applies overrides and leaves missing values empty', () => {
    const templates = new NotificationTemplates({ 'conversation_closed.title': 'Closed {missing}' });
    expect(templates.render('conversation_closed', {}).title).toBe('Closed');
  });

  it('refuses unknown template keys at boot', () => {
    expect(() => new NotificationTemplates({ 'conversation_reply.subtitle': 'x' })).toThrow('conversation_reply.subtitle');
  });
});

describe('NotificationTemplates languages', () => {
  it('renders the built-in translation of the first known language, else English', () => {
    const templates = new NotificationTemplates({});
    expect(templates.resolve('ru-RU')).toBe('ru');
    expect(templates.resolve(null, 'es_ES')).toBe('es');
    expect(templates.resolve('tlh', undefined)).toBe('en');
    expect(templates.resolve('not a tag!')).toBe('en');
    expect(templates.render('ticket_state', { reference: 'AW-1', state: 'Resolved' }, 'de')).toEqual({
      title: 'Ticket AW-1 aktualisiert',
      body: 'Status: Resolved',
    });
    expect(templates.button('ru')).toBe('Открыть');
  });

  it('takes overrides per language, and a new language whose missing keys fall back to English', () => {
    const templates = new NotificationTemplates({
      'conversation_reply.title': '{author} answered',
      'ru.conversation_reply.title': '{author} ответил(а)',
      'uk.conversation_closed.title': 'Розмову закрито',
    });
    expect(templates.render('conversation_reply', { author: 'Anna' }).title).toBe('Anna answered');
    expect(templates.render('conversation_reply', { author: 'Анна' }, 'ru').title).toBe('Анна ответил(а)');
    expect(templates.resolve('uk-UA')).toBe('uk');
    expect(templates.render('conversation_closed', {}, 'uk')).toEqual({
      title: 'Розмову закрито',
      body: 'How did we do? Tap to rate the conversation.',
    });
  });

  it('refuses an override for an unknown key even with a language prefix', () => {
    expect(() => new NotificationTemplates({ 'ru.conversation_reply.subtitle': 'x' })).toThrow('ru.conversation_reply.subtitle');
  });
});
