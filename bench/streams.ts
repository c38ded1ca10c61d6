// The realtime phases of `npm run bench` (issue #18): idle streams' memory and event-loop cost,
// poll throughput with them open, webhook → event latency at 200 webhooks/s with them open (and the
// acknowledgement cost of writing the event log), and a 1,000-event replay.
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import type { LoadResult } from './load';

const STREAMS = Number(process.env.BENCH_STREAMS ?? 10_000);
const IDLE_SECONDS = Number(process.env.BENCH_STREAM_IDLE_SECONDS ?? 20);
const WEBHOOK_SECONDS = Number(process.env.BENCH_STREAM_WEBHOOK_DURATION ?? 20);
const REPLAY_EVENTS = 1000;

export interface StreamPhaseContext {
  server: ChildProcess;
  base: string;
  databaseUrl: string;
  session: { secret: string; issuer: string; audience: string };
  intercomClientSecret: string;
  ask<T>(message: string): Promise<T>;
  rssMb(): number;
  row(...cells: (string | number)[]): void;
  // One bare run then one poll run: poll req/s ÷ bare req/s.
  pollRatio(): Promise<number>;
  // The same run's figures without streams.
  pollRatioWithoutStreams: number;
  webhookAckP99WithoutLog: number;
}

interface Answer<T> {
  ok: boolean;
  result?: T;
  error?: string;
}

function command<T>(client: ChildProcess, message: Record<string, unknown>): Promise<T> {
  return new Promise((resolve, reject) => {
    client.once('message', (answer: Answer<T>) => (answer.ok ? resolve(answer.result as T) : reject(new Error(answer.error))));
    client.send(message);
  });
}

function quantiles(values: number[]): { p50: number; p99: number; max: number } {
  const sorted = [...values].sort((left, right) => left - right);
  const at = (quantile: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * quantile))] ?? NaN) * 10) / 10;
  return { p50: at(0.5), p99: at(0.99), max: at(1) };
}
const sleep = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));
const verdict = (met: boolean) => (met ? 'MET' : 'MISSED');

export async function streamPhases(context: StreamPhaseContext): Promise<void> {
  const { row, ask } = context;
  const client = fork(join(__dirname, 'streams-client.ts'), [], {
    execArgv: ['-r', '@swc-node/register'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise((resolve) => client.once('message', resolve));
  try {
    // 5. Idle streams: RSS and event-loop delay, each against the same process just before.
    const heapBefore = await ask<NodeJS.MemoryUsage>('gc');
    const rssBefore = context.rssMb();
    await ask('loop-reset');
    await sleep(IDLE_SECONDS);
    const loopBefore = await ask<{ p99: number }>('loop');
    const { opened } = await command<{ opened: number }>(client, {
      cmd: 'open',
      base: context.base,
      count: STREAMS,
      session: context.session,
    });
    const held = await ask<number>('streams');
    const heapWith = await ask<NodeJS.MemoryUsage>('gc');
    const rssWith = context.rssMb();
    // Where the growth is: the V8 heap's live objects, or outside it (sockets, buffers, malloc).
    const mb = (bytes: number) => Math.round(bytes / 1048576);
    process.stdout.write(
      `streams: heap used ${mb(heapBefore.heapUsed)} → ${mb(heapWith.heapUsed)} MB, heap total ${mb(heapBefore.heapTotal)} → ${mb(heapWith.heapTotal)} MB, external ${mb(heapBefore.external)} → ${mb(heapWith.external)} MB, rss ${rssBefore} → ${rssWith} MB\n`,
    );
    if (process.env.BENCH_HEAP_SNAPSHOT)
      process.stdout.write(`heap snapshot with the streams open: ${await ask<string>('heap-snapshot')}\n`);
    await ask('loop-reset');
    await sleep(IDLE_SECONDS);
    const loopWith = await ask<{ p99: number }>('loop');
    const growth = rssWith - rssBefore;
    row(
      `RSS growth with ${held} idle streams open (MB, after GC)`,
      growth,
      `${rssBefore} MB before (${opened} opened)`,
      `${((growth * 1024) / Math.max(1, held)).toFixed(1)} KB a stream (target ≤ 100 MB, ≤ 10 KB a stream)`,
      verdict(growth <= 100 && held >= STREAMS),
    );
    const loopRatio = loopWith.p99 / loopBefore.p99;
    row(
      `event-loop delay p99 with ${held} idle streams (ms, ${IDLE_SECONDS} s, heartbeats included)`,
      loopWith.p99,
      `${loopBefore.p99} without streams`,
      `${loopRatio.toFixed(2)}× (target ≤ 1.5×)`,
      verdict(loopRatio <= 1.5),
    );
    // 6. Polls with the streams open.
    const pollRatio = await context.pollRatio();
    row(
      `poll ÷ bare throughput with ${held} streams open`,
      pollRatio.toFixed(2),
      `${context.pollRatioWithoutStreams.toFixed(2)} without (median of pairs above)`,
      `${(pollRatio / context.pollRatioWithoutStreams).toFixed(2)}× (target: unchanged within noise)`,
      'info',
    );
    // 7. Operator replies to the streams' users at 200/s: event arrival timed from each webhook's ack.
    await ask('gc');
    await ask('loop-reset');
    if (process.env.BENCH_PROFILE) await ask('profile-start');
    // The webhooks come from a load generator of their own, as in the baseline webhook phase (the
    // stream client, which holds and reads the 10,000 streams, would time the acks behind its own
    // stalls); arrivals and acks are compared on the clock the two processes share.
    await command(client, { cmd: 'watch-start' });
    const sent = await sendLoad({
      url: `${context.base}/webhooks/intercom`,
      connections: 10,
      duration: WEBHOOK_SECONDS,
      rate: 200,
      webhookSecret: context.intercomClientSecret,
      replies: { users: STREAMS, run: `r${Date.now()}` },
    });
    const acks = sent.acks ?? [];
    const watched = await command<{ arrived: [string, number][]; loop: { p99: number; max: number } }>(client, {
      cmd: 'arrivals',
      partIds: acks.map(([partId]) => partId),
    });
    const arrivedAt = new Map(watched.arrived);
    const delivery = acks.filter(([partId]) => arrivedAt.has(partId)).map(([partId, ackedAt]) => arrivedAt.get(partId)! - ackedAt);
    const live = {
      sent: sent.total,
      non2xx: sent.non2xx + sent.errors,
      ack: sent.latency,
      delivery: quantiles(delivery),
      delivered: delivery.length,
      missing: acks.length - delivery.length,
      clientLoop: watched.loop,
    };
    if (process.env.BENCH_PROFILE) await ask('profile-stop:stream-webhook');
    const serverLoop = await ask<{ p50: number; p99: number; max: number }>('loop');
    row(
      `webhook → event on its stream, from the ack (ms) p50 / p99 / max: 200 webhooks/s, ${held} streams open`,
      `${live.delivery.p50} / ${live.delivery.p99} / ${live.delivery.max}`,
      `${live.delivered} of ${live.sent} delivered, ${live.missing} missing`,
      'target p99 ≤ 50',
      verdict(live.delivery.p99 <= 50 && live.missing === 0),
    );
    const ackRatio = live.ack.p99 / context.webhookAckP99WithoutLog;
    row(
      'webhook ack p99 with the event log written (ms; replies to streaming users)',
      live.ack.p99,
      `${context.webhookAckP99WithoutLog} inbox row alone (the webhook phase above), ${live.non2xx} non-2xx`,
      `${ackRatio.toFixed(2)}× (target ≤ 1.5×)`,
      verdict(ackRatio <= 1.5 && live.non2xx === 0),
    );
    // The stream client's stalls delay the arrivals it times (not the acks: the sender times those).
    row(
      'event-loop delay during the stream webhook run (ms): server p99 / max, stream client p99 / max',
      `${serverLoop.p99} / ${serverLoop.max}, ${live.clientLoop.p99} / ${live.clientLoop.max}`,
      '',
      '',
      'info',
    );
    await command(client, { cmd: 'close' });

    // 8. A client that missed 1,000 events reconnects.
    const userId = 'bench-replay';
    await seedReplay(context.databaseUrl, userId);
    const replay = await command<{ events: number; firstByteToLastEventMs: number | null }>(client, {
      cmd: 'replay',
      base: context.base,
      userId,
      lastEventId: 0,
      expected: REPLAY_EVENTS,
      session: context.session,
    });
    row(
      `replay of ${REPLAY_EVENTS} missed events: first byte → last event (ms)`,
      replay.firstByteToLastEventMs ?? 'n/a',
      `${replay.events} received`,
      'target ≤ 100',
      verdict(replay.events === REPLAY_EVENTS && replay.firstByteToLastEventMs !== null && replay.firstByteToLastEventMs <= 100),
    );
  } finally {
    client.kill();
  }
}

// One load in a process of its own (bench/load.ts), as bench/run.ts runs the baseline's.
function sendLoad(spec: Record<string, unknown>): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'load.ts'), JSON.stringify(spec)], {
      cwd: join(__dirname, '..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(output) as LoadResult) : reject(new Error(`load exited ${code}`))));
  });
}

// 1,000 message.created events in the log, as webhook processing writes them.
async function seedReplay(databaseUrl: string, userId: string): Promise<void> {
  const database = new Client({ connectionString: databaseUrl });
  await database.connect();
  try {
    const now = Date.now();
    const payloads = Array.from({ length: REPLAY_EVENTS }, (_unused, index) =>
      JSON.stringify({
        conversationId: '4000000',
        message: {
          id: `replay-${index}`,
          body: 'Thanks for waiting: your card is unblocked and ready to use again.',
          html: '<p>Thanks for waiting: your card is unblocked and ready to use again.</p>',
          author: { type: 'admin', name: 'Anna', avatarUrl: null },
          createdAt: now - (REPLAY_EVENTS - index) * 1000,
          attachments: [],
          clientMessageId: null,
        },
      }),
    );
    await database.query(
      `INSERT INTO user_events (user_id, seq, type, payload, dedupe_key)
       SELECT $1, ordinality, 'message.created', payload, 'message:replay-' || ordinality FROM unnest($2::jsonb[]) WITH ORDINALITY AS seeded(payload, ordinality)`,
      [userId, payloads],
    );
    await database.query('INSERT INTO user_event_heads (user_id, last_seq) VALUES ($1, $2)', [userId, REPLAY_EVENTS]);
  } finally {
    await database.end();
  }
}
