import { type SseMessage, SseParser } from './sse.js';

function parse(...chunks: string[]): { messages: SseMessage[]; parser: SseParser } {
  const messages: SseMessage[] = [];
  const parser = new SseParser((message) => messages.push(message));
  for (const chunk of chunks) parser.push(chunk);
  return { messages, parser };
}

describe(SseParser.name, () => {
  it('reads id, event and data, across chunk boundaries anywhere', () => {
    const wire = 'retry: 2000\n\n: heartbeat\n\nid: 7\nevent: message.created\ndata: {"a":1}\n\nid: 8\nevent: reset\ndata: {}\n\n';
    for (let cut = 0; cut <= wire.length; cut++) {
      const { messages, parser } = parse(wire.slice(0, cut), wire.slice(cut));
      expect(messages).toEqual([
        { id: '7', event: 'message.created', data: '{"a":1}' },
        { id: '8', event: 'reset', data: '{}' },
      ]);
      expect(parser.retryMs).toBe(2000);
      expect(parser.lastEventId).toBe('8');
    }
  });

  it('accepts CRLF and CR line ends, joins multi-line data, ignores unknown fields', () => {
    const { messages } = parse('id: 1\r\nfoo: bar\r\ndata: a\r\ndata:b\r\n\r\nid: 2\rdata: c\r\r\n');
    expect(messages).toEqual([
      { id: '1', event: 'message', data: 'a\nb' },
      { id: '2', event: 'message', data: 'c' },
    ]);
  });

  it('keeps the last id for messages without one and dispatches nothing for comments alone', () => {
    const { messages, parser } = parse(': hi\n\nid: 5\n\ndata: x\n\n');
    expect(messages).toEqual([{ id: '5', event: 'message', data: 'x' }]);
    expect(parser.lastEventId).toBe('5');
  });

  it('hands comments (heartbeats) to onComment, without the colon and one leading space', () => {
    const comments: string[] = [];
    const parser = new SseParser(
      () => undefined,
      (comment) => comments.push(comment),
    );
    parser.push(': heartbeat\n:no space\n:  two\n\n');
    expect(comments).toEqual(['heartbeat', 'no space', ' two']);
  });

  it('waits for the rest of an incomplete event', () => {
    const { messages } = parse('id: 1\ndata: {"partial"');
    expect(messages).toEqual([]);
  });
});
