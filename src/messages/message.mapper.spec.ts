import { htmlToText, isCustomerVisible, sanitizeMessageHtml, textToHtml, toMessage, toVisibleMessages } from './message.mapper';

const part = (overrides: Record<string, unknown>) => ({
  id: 'p1',
  part_type: 'comment',
  body: '<p>Hello</p>',
  created_at: 1719750000,
  author: { type: 'admin', id: '1', name: 'Operator Olga' },
  attachments: [],
  ...overrides,
});

describe('message mapper', () => {
  it('maps an admin comment to a message with ms timestamps, text and sanitized html', () => {
    expect(toMessage(part({ body: '<p>Hi &amp; welcome<br>line 2</p>' }), new Map([['p1', 'client-1']]))).toEqual({
      id: 'p1',
      body: 'Hi & welcome\nline 2',
      html: '<p>Hi &amp; welcome<br />line 2</p>',
      author: { type: 'admin', name: 'Operator Olga', avatarUrl: null },
      createdAt: 1719750000000,
      attachments: [],
      clientMessageId: 'client-1',
    });
  });

  it('carries a quick reply’s options, and a customer’s pick, only on the messages they concern', () => {
    const options = [
      { text: 'Yes', uuid: 'a5e1c524-5ddd-4c3e-9328-6bca5d6e3edb', translations: { fr: 'Oui' } },
      { text: 'No', uuid: 'f4a98af1-be56-4948-a57e-e1a83f8484c6' },
      { text: 'broken' },
    ];
    const offered = part({ part_type: 'quick_reply', body: null, metadata: { quick_reply_options: options } });
    expect(isCustomerVisible(offered)).toBe(true);
    expect(toMessage(offered)).toMatchObject({
      body: '',
      html: null,
      quickReplyOptions: [
        { text: 'Yes', uuid: 'a5e1c524-5ddd-4c3e-9328-6bca5d6e3edb' },
        { text: 'No', uuid: 'f4a98af1-be56-4948-a57e-e1a83f8484c6' },
      ],
    });
    // Nothing to show (the description's example part has empty metadata), or a customer's own: hidden.
    expect(isCustomerVisible(part({ part_type: 'quick_reply', body: null, metadata: {} }))).toBe(false);
    expect(isCustomerVisible({ ...offered, author: { type: 'user', id: 'c1' } })).toBe(false);
    const picked = part({ body: '<p>Yes</p>', author: { type: 'user', id: 'c1' }, metadata: { quick_reply_uuid: options[0].uuid } });
    expect(toMessage(picked)).toMatchObject({ body: 'Yes', quickReplyUuid: options[0].uuid });
    expect(toMessage(picked)).not.toHaveProperty('quickReplyOptions');
    expect(toMessage(part({}))).not.toHaveProperty('quickReplyUuid');
  });

  it('maps attachments', () => {
    const message = toMessage(
      part({ attachments: [{ type: 'upload', name: 'a.png', url: 'https://x/a.png', content_type: 'image/png', filesize: 12 }] }),
    );
    expect(message.attachments).toEqual([{ name: 'a.png', url: 'https://x/a.png', contentType: 'image/png', size: 12 }]);
  });

  it.each([
    ['<script>alert(1)</script><p>ok</p>', '<p>ok</p>'],
    ['<img src="x" onerror="alert(1)">', '<img src="x" />'],
    ['<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer" target="_blank">x</a>'],
    ['<p onclick="steal()">hi</p>', '<p>hi</p>'],
    ['<iframe src="https://evil"></iframe>text', 'text'],
  ])('sanitizes %s', (input, expected) => {
    expect(sanitizeMessageHtml(input)).toBe(expected);
  });

  it('never turns encoded markup into live markup in the text body', () => {
    expect(htmlToText('&lt;script&gt;x&lt;/script&gt;')).toBe('<script>x</script>');
    expect(toMessage(part({ body: '&lt;b&gt;' })).html).toBe('&lt;b&gt;');
  });

  it.each([
    ['comment by user', part({ author: { type: 'user', name: 'Ann' } }), true],
    ['comment by bot', part({ author: { type: 'bot', name: 'Fin' } }), true],
    ['note', part({ part_type: 'note' }), false],
    ['assignment', part({ part_type: 'assignment', body: '<p>assigned with a message</p>' }), false],
    ['tag event', part({ part_type: 'conversation_attribute_updated_by_admin' }), false],
    ['close without a message', part({ part_type: 'close', body: null }), false],
    ['close with a message', part({ part_type: 'close', body: '<p>Bye!</p>' }), true],
    ['comment by a team', part({ author: { type: 'team', name: 'Ops' } }), false],
    ['unknown part type', part({ part_type: 'something_new' }), false],
  ])('decides visibility: %s', (_name, input, visible) => {
    expect(isCustomerVisible(input)).toBe(visible);
  });

  it('keeps only visible parts, in order', () => {
    const parts = [part({ id: 'a' }), part({ id: 'b', part_type: 'note' }), part({ id: 'c', author: { type: 'user' } })];
    expect(toVisibleMessages(parts).map((message) => message.id)).toEqual(['a', 'c']);
  });

  it('turns user text into escaped HTML with paragraphs and line breaks', () => {
    expect(textToHtml('a <b> & "c"\nline\n\nnext')).toBe('<p>a &lt;b&gt; &amp; &quot;c&quot;<br>line</p><p>next</p>');
    expect(htmlToText(textToHtml('1 < 2 && <script>x</script>'))).toBe('1 < 2 && <script>x</script>');
  });
});
