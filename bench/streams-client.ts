// The stream side of `npm run bench`, in its own process (its CPU is not the server's): holds N
// SSE connections of N users, sends signed operator-reply webhooks at a fixed rate to those users
// and times each event's arrival from its webhook's acknowledgement, and times replays. Commands
// arrive over IPC (see bench/streams.ts).
import { createHmac } from 'node:crypto';
import { request as httpRequest, type ClientRequest, Agent } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { SignJWT } from 'jose';

interface Session {
  secret: string;
  issuer: string;
  audience: string;
}

type Command =
  | { cmd: 'open'; base: string; count: number; session: Session }
  | { cmd: 'webhooks'; base: string; rate: number; duration: number; secret: string; users: number; run: string }
  | { cmd: 'replay'; base: string; userId: string; lastEventId: number; expected: number; session: Session }
  | { cmd: 'close' };

const streams: ClientRequest[] = [];
// Part id → when its event arrived on a stream (performance.now()).
const arrivals = new Map<string, number>();
const userId = (index: number): string => `bench-stream-${index}`;

async function token(session: Session, subject: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'bff-session+jwt' })
    .setSubject(subject)
    .setIssuer(session.issuer)
    .setAudience(session.audience)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + 3600)
    .sign(new TextEncoder().encode(session.secret));
}

// Minimal SSE reading: blocks end at a blank line; only message.created data is looked at.
function watch(onBlock: (block: string) => void): (chunk: string) => void {
  let pending = '';
  return (chunk) => {
    pending += chunk;
    let end = pending.indexOf('\n\n');
    while (end >= 0) {
      onBlock(pending.slice(0, end));
      pending = pending.slice(end + 2);
      end = pending.indexOf('\n\n');
    }
  };
}

function recordArrival(block: string): void {
  if (!block.includes('event: message.created')) return;
  const data = block.split('\n').find((line) => line.startsWith('data: '));
  if (!data) return;
  const message = (JSON.parse(data.slice(6)) as { message?: { id?: string } }).message;
  if (message?.id) arrivals.set(message.id, performance.now());
}

function openStream(url: string, bearer: string, onBlock: (block: string) => void, onFirstByte?: () => void): Promise<ClientRequest> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      { agent: false, headers: { authorization: `Bearer ${bearer}`, accept: 'text/event-stream' } },
      (response) => {
        if (response.statusCode !== 200) return reject(new Error(`stream answered ${response.statusCode}`));
        response.setEncoding('utf8');
        const feed = watch(onBlock);
        response.once('data', () => onFirstByte?.());
        response.on('data', feed);
        resolve(request);
      },
    );
    request.once('error', reject);
    request.end();
  });
}

async function open(command: Extract<Command, { cmd: 'open' }>): Promise<{ opened: number }> {
  for (let start = 0; start < command.count; start += 200) {
    const batch = Array.from({ length: Math.min(200, command.count - start) }, async (_unused, offset) =>
      openStream(`${command.base}/api/events`, await token(command.session, userId(start + offset)), recordArrival),
    );
    streams.push(...(await Promise.all(batch)));
  }
  return { opened: streams.length };
}

function quantiles(values: number[]): { p50: number; p99: number; max: number } {
  const sorted = [...values].sort((left, right) => left - right);
  const at = (quantile: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * quantile))] ?? NaN) * 10) / 10;
  return { p50: at(0.5), p99: at(0.99), max: at(1) };
}

function replyWebhook(index: number, users: number, run: string): { body: string; partId: string } {
  const user = index % users;
  const partId = `bench-${run}-${index}`;
  const now = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({
    type: 'notification_event',
    id: `notif_${partId}`,
    topic: 'conversation.admin.replied',
    app_id: 'bench',
    created_at: now,
    data: {
      type: 'notification_event_data',
      item: {
        type: 'conversation',
        id: String(3_000_000 + user),
        state: 'open',
        created_at: now - 60,
        updated_at: now,
        contacts: { type: 'contact.list', contacts: [{ type: 'contact', id: `bench-contact-${user}`, external_id: userId(user) }] },
        conversation_parts: {
          type: 'conversation_part.list',
          conversation_parts: [
            {
              type: 'conversation_part',
              id: partId,
              part_type: 'comment',
              body: '<p>Thanks for waiting: your card is unblocked and ready to use again.</p>',
              created_at: now,
              updated_at: now,
              author: { type: 'admin', id: '1', name: 'Anna' },
              attachments: [],
            },
          ],
        },
      },
    },
  });
  return { body, partId };
}

// Open loop, as load.ts: webhook i is due at start + i / rate; its ack latency runs from then.
async function webhooks(command: Extract<Command, { cmd: 'webhooks' }>): Promise<unknown> {
  const agent = new Agent({ keepAlive: true, maxSockets: 10 });
  const interval = 1000 / command.rate;
  const count = Math.round(command.rate * command.duration);
  const acks = new Map<string, number>();
  const ackLatencies: number[] = [];
  let non2xx = 0;
  const send = (index: number, due: number) =>
    new Promise<void>((resolve) => {
      const { body, partId } = replyWebhook(index, command.users, command.run);
      const signature = `sha1=${createHmac('sha1', command.secret).update(body).digest('hex')}`;
      const request = httpRequest(
        `${command.base}/webhooks/intercom`,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'x-hub-signature': signature, 'content-length': Buffer.byteLength(body) },
        },
        (response) => {
          response.resume();
          response.once('end', () => {
            const now = performance.now();
            acks.set(partId, now);
            ackLatencies.push(now - due);
            if (response.statusCode !== 200) non2xx += 1;
            resolve();
          });
        },
      );
      request.once('error', () => resolve());
      request.end(body);
    });
  // This process's own stalls delay the acks it times (10,000 sockets' heartbeats arrive together).
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let index = 0; index < count; index += 1) {
    const due = start + index * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(send(index, due));
  }
  await Promise.all(pending);
  loop.disable();
  // Drain: every acknowledged webhook's event has arrived, or 30 s passed.
  for (const until = performance.now() + 30_000; performance.now() < until;) {
    if ([...acks.keys()].every((partId) => arrivals.has(partId))) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  agent.destroy();
  const delivery = [...acks].filter(([partId]) => arrivals.has(partId)).map(([partId, ackedAt]) => arrivals.get(partId)! - ackedAt);
  return {
    sent: count,
    non2xx,
    ack: quantiles(ackLatencies),
    delivery: quantiles(delivery),
    delivered: delivery.length,
    missing: acks.size - delivery.length,
    clientLoop: { p99: Math.round(loop.percentile(99) / 1e5) / 10, max: Math.round(loop.max / 1e5) / 10 },
  };
}

async function replay(command: Extract<Command, { cmd: 'replay' }>): Promise<unknown> {
  let firstByte = 0;
  let events = 0;
  let lastEventAt = 0;
  const done = new Promise<void>((resolve, reject) => {
    const url = `${command.base}/api/events?lastEventId=${command.lastEventId}`;
    void token(command.session, command.userId)
      .then((bearer) =>
        openStream(
          url,
          bearer,
          (block) => {
            if (!block.includes('event: ')) return;
            events += 1;
            if (events === command.expected) {
              lastEventAt = performance.now();
              resolve();
            }
          },
          () => (firstByte = performance.now()),
        ),
      )
      .then((request) => streams.push(request))
      .catch(reject);
  });
  await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 30_000))]);
  return { events, firstByteToLastEventMs: lastEventAt ? Math.round((lastEventAt - firstByte) * 10) / 10 : null };
}

process.on('message', (message: Command) => {
  const run = async (): Promise<unknown> => {
    switch (message.cmd) {
      case 'open':
        return open(message);
      case 'webhooks':
        return webhooks(message);
      case 'replay':
        return replay(message);
      case 'close':
        for (const stream of streams.splice(0)) stream.destroy();
        return { closed: true };
    }
  };
  run()
    .then((result) => process.send?.({ ok: true, result }))
    .catch((error: unknown) => process.send?.({ ok: false, error: String(error) }));
});
process.send?.({ ready: true });
