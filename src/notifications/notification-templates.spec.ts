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
