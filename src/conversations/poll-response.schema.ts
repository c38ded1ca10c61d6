// Fastify response schema of the poll: Fastify then serialises with fast-json-stringify (compiled
// once) instead of JSON.stringify on every poll. Mirrors PollResponseDto / MessageDto.
const nullableString = { type: ['string', 'null'] } as const;

const messageSchema = {
  type: 'object',
  required: ['id', 'body', 'html', 'author', 'createdAt', 'attachments', 'clientMessageId'],
  properties: {
    id: { type: 'string' },
    body: { type: 'string' },
    html: nullableString,
    author: {
      type: 'object',
      required: ['type', 'name', 'avatarUrl'],
      properties: { type: { type: 'string' }, name: { type: 'string' }, avatarUrl: nullableString },
    },
    createdAt: { type: 'number' },
    attachments: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'url', 'contentType', 'size'],
        properties: { name: { type: 'string' }, url: { type: 'string' }, contentType: { type: 'string' }, size: { type: 'number' } },
      },
    },
    clientMessageId: nullableString,
  },
} as const;

export const POLL_RESPONSE_SCHEMA = {
  response: {
    200: {
      type: 'object',
      required: ['messages', 'latestTimestamp', 'state', 'snoozedUntil', 'rated'],
      properties: {
        messages: { type: 'array', items: messageSchema },
        latestTimestamp: { type: 'number' },
        state: { type: 'string' },
        snoozedUntil: { type: ['number', 'null'] },
        rated: { type: 'boolean' },
      },
    },
  },
};
