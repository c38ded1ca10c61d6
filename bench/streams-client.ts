// The stream side of `npm run bench`, in its own process (its CPU is not the server's): holds N
// SSE connections of N users and records when each operator reply's event arrives, on the clock
// the webhook sender (bench/load.ts, another process) records its acks on; times replays.
// Commands arrive over IPC (see bench/streams.ts).
import { request as httpRequest, type ClientRequest } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { SignJWT } from 'jose';

interface Session {
  secret: string;
  issuer: string;
  audience: string;
}

type Command =
  | { cmd: 'open'; base: string; count: number; session: Session }
  | { cmd: 'watch-start' }
  | { cmd: 'arrivals'; partIds: string[] }
  | { cmd: 'replay'; base: string; userId: string; lastEventId: number; expected: number; session: Session }
  | { cmd: 'close' };

const streams: ClientRequest[] = [];
// Part id → when its event arrived on a stream, on the clock every process of the machine shares
// (performance.timeOrigin + performance.now(), ms): the sender's acks are on it too.
const arrivals = new Map<string, number>();
// This process's own stalls delay the arrivals it times (10,000 sockets' heartbeats arrive together).
const loop = monitorEventLoopDelay({ resolution: 1 });
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
  if (message?.id) arrivals.set(message.id, performance.timeOrigin + performance.now());
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

// Until every named part's event has arrived, or 30 s passed: [part id, arrived at] of those that did.
async function arrivalsOf(partIds: readonly string[]): Promise<[string, number][]> {
  for (const until = performance.now() + 30_000; performance.now() < until;) {
    if (partIds.every((partId) => arrivals.has(partId))) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return partIds.filter((partId) => arrivals.has(partId)).map((partId) => [partId, arrivals.get(partId)!]);
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
      case 'watch-start':
        loop.reset();
        loop.enable();
        return { watching: true };
      case 'arrivals': {
        const arrived = await arrivalsOf(message.partIds);
        loop.disable();
        return { arrived, loop: { p99: Math.round(loop.percentile(99) / 1e5) / 10, max: Math.round(loop.max / 1e5) / 10 } };
      }
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
