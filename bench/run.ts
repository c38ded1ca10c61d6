// `npm run bench`: the real app (production mode, compiled JS, embedded Postgres, the Intercom
// emulator) under autocannon; prints every target of the performance issue beside its baseline.
import { type ChildProcess, execFileSync, fork, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort, startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { BOT_ADMIN_ID, startIntercomEmulator } from '../tools/intercom-emulator/src';
import type { LoadResult } from './load';
import { topEntries } from './profile-summary';
import { streamPhases } from './streams';

const ROOT = join(__dirname, '..');
// BENCH_ONLY=streams: the stream phases (5-8) and the webhook phase they are compared with, after
// one bare/poll pair and no snapshot warm-up, to iterate on them in about two minutes.
const STREAMS_ONLY = process.env.BENCH_ONLY === 'streams';
// BENCH_ONLY=metrics: the metrics phase (2b) alone, after one bare/poll pair and no snapshot warm-up.
const METRICS_ONLY = process.env.BENCH_ONLY === 'metrics';
const QUICK = STREAMS_ONLY || METRICS_ONLY;
const DURATION = Number(process.env.BENCH_DURATION ?? 6);
const CONNECTIONS = 50;
// The webhook phase: 200 signed webhooks a second for this long (4,000 requests by default).
const WEBHOOK_DURATION = Number(process.env.BENCH_WEBHOOK_DURATION ?? 20);
// Bare and poll runs alternate this many times (see the throughput phase).
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (QUICK ? 1 : 5));
// The metrics phase: poll with metrics on and off alternate this many times, this long each.
// Many short windows, not a few long runs: adjacent 2-second windows see the same machine, and
// 20 pairs let the median shrug off the windows another process disturbed.
const METRICS_ROUNDS = Number(process.env.BENCH_METRICS_ROUNDS ?? 20);
const METRICS_DURATION = Number(process.env.BENCH_METRICS_DURATION ?? 2);
const FRESHNESS_MS = 3000;
const CLIENT_POLL_INTERVAL_MS = 1000;
const SNAPSHOTS = Number(process.env.BENCH_SNAPSHOTS ?? (QUICK ? 0 : 10_000));
// How the production image runs node (npm start, Dockerfile): its environment (glibc malloc
// tunables) and flags; BENCH_NODE_FLAGS to experiment with the flags.
const PRODUCTION = productionStart();
const SERVER_NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? PRODUCTION.flags).split(' ').filter(Boolean);
const secrets = {
  INTERCOM_ACCESS_TOKEN: 'bench-intercom-token-0123456789',
  INTERCOM_CLIENT_SECRET: 'bench-intercom-client-secret-0123',
  SESSION_JWT_SECRET: 'bench-session-secret-0123456789abcdef',
  HOST_JWT_SECRET: 'bench-host-secret-0123456789abcdef',
  TELEGRAM_BOT_TOKEN: '1:bench-telegram-token-0123456789',
  FILE_LINK_SECRET: 'bench-file-link-secret-0123456789',
};

// `npm start` is `[NAME=value …] node [--flag …] dist/…`; the Dockerfile sets the same.
function productionStart(): { env: Record<string, string>; flags: string } {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const match = /^((?:[A-Z_]+=\S+ )*)node((?: --[\w-]+(?:=\S+)?)*) /.exec(scripts.start);
  if (!match) throw new Error(`npm start is not "[NAME=value …] node [--flag …] <script>": ${scripts.start}`);
  const env = Object.fromEntries(
    match[1]
      .trim()
      .split(' ')
      .filter(Boolean)
      .map((pair) => pair.split('=') as [string, string]),
  );
  return { env, flags: match[2].trim() };
}

function load(spec: Record<string, unknown>): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'load.ts'), JSON.stringify(spec)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(output) as LoadResult) : reject(new Error(`load exited ${code}`))));
  });
}

// bench/load.ts kept running, for many short loads in a row.
async function loadWorker(): Promise<{ run(spec: Record<string, unknown>): Promise<LoadResult>; close(): void }> {
  const child = fork(join(__dirname, 'load.ts'), [], {
    cwd: ROOT,
    execArgv: ['-r', '@swc-node/register'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await new Promise((resolve) => child.once('message', resolve));
  return {
    run: (spec) =>
      new Promise((resolve, reject) => {
        const exited = (code: number | null) => reject(new Error(`load exited ${code}`));
        child.once('exit', exited);
        child.once('message', (result) => {
          child.off('exit', exited);
          resolve(result as LoadResult);
        });
        child.send(spec);
      }),
    close: () => child.kill(),
  };
}

// Several runs of one load as one: mean throughput, the worst run's latencies, all errors.
function combine(runs: LoadResult[]): LoadResult {
  const sum = (pick: (run: LoadResult) => number) => runs.reduce((total, run) => total + pick(run), 0);
  const worst = (pick: (run: LoadResult) => number) => Math.max(...runs.map(pick));
  return {
    requestsPerSecond: sum((run) => run.requestsPerSecond) / runs.length,
    total: sum((run) => run.total),
    non2xx: sum((run) => run.non2xx),
    errors: sum((run) => run.errors),
    latency: {
      p50: worst((run) => run.latency.p50),
      p90: worst((run) => run.latency.p90),
      p99: worst((run) => run.latency.p99),
      max: worst((run) => run.latency.max),
    },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function ask<T = unknown>(server: ChildProcess, message: string): Promise<T> {
  return new Promise((resolve) => {
    server.once('message', (answer) => resolve(answer as T));
    server.send(message);
  });
}

// Waits until the emulator has no webhook left to deliver and the BFF's inbox has no event left to process.
async function settleWebhooks(
  emulator: Awaited<ReturnType<typeof startIntercomEmulator>>,
  databaseUrl: string,
): Promise<{ delivered: number }> {
  await emulator.control.webhooksIdle(120_000);
  const database = new Client({ connectionString: databaseUrl });
  await database.connect();
  try {
    for (const until = Date.now() + 120_000; Date.now() < until;) {
      const { rows } = await database.query<{ due: string }>(
        'SELECT count(*) AS due FROM webhook_events WHERE processed_at IS NULL AND failed_at IS NULL',
      );
      if (Number(rows[0].due) === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await database.end();
  }
  return { delivered: emulator.control.webhooks().deliveries.filter((delivery) => delivery.delivered).length };
}

function formatMemory(usage: NodeJS.MemoryUsage): string {
  const mb = (bytes: number) => Math.round(bytes / 1048576);
  return `rss ${mb(usage.rss)} MB, heap used ${mb(usage.heapUsed)} / total ${mb(usage.heapTotal)} MB, external ${mb(usage.external)} MB`;
}

function rssMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(/(\d+) kB/.exec(status.split('\n').find((line) => line.startsWith(name)) ?? '')?.[1] ?? 0) / 1024;
  return { rss: Math.round(field('VmRSS:')), peak: Math.round(field('VmHWM:')) };
}

async function main(): Promise<void> {
  process.stdout.write('Building (tsc)…\n');
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.bench.json')], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  const postgres = await startEmbeddedPostgres();
  // The scripted operator creates 10,000 conversations in seconds, far past Intercom's per-app limit;
  // the BFF keeps to that limit by itself (its own limiter and the X-RateLimit-* headers).
  const emulator = await startIntercomEmulator({
    port: 0,
    clientSecret: secrets.INTERCOM_CLIENT_SECRET,
    validateRequests: false,
    rateLimits: { perAppPerMinute: 1e9, perWorkspacePerMinute: 1e9 },
  });
  const [port, barePort, metricsPort, metricsOnPort, metricsTwinMetricsPort, metricsOffPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const profileDir = mkdtempSync(join(tmpdir(), 'bench-profile-'));
  const base = `http://127.0.0.1:${port}`;
  const server: ChildProcess = fork(join(ROOT, 'dist/bench-build/bench/bff-server.js'), [], {
    cwd: ROOT,
    execArgv: ['--expose-gc', ...SERVER_NODE_FLAGS],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: {
      ...process.env,
      ...secrets,
      ...PRODUCTION.env,
      NODE_ENV: 'production',
      PORT: String(port),
      BARE_PORT: String(barePort),
      // Metrics on, as in production (default 9464 could be a dev server's); the metrics phase's
      // twins listen on METRICS_ON_PORT (its metrics on METRICS_TWIN_METRICS_PORT) and METRICS_OFF_PORT.
      METRICS_PORT: String(metricsPort),
      METRICS_HOST: '127.0.0.1',
      METRICS_ON_PORT: String(metricsOnPort),
      METRICS_TWIN_METRICS_PORT: String(metricsTwinMetricsPort),
      METRICS_OFF_PORT: String(metricsOffPort),
      PUBLIC_BASE_URL: base,
      DATABASE_URL: postgres.url,
      INTERCOM_BASE_URL: emulator.url,
      INTERCOM_ADMIN_ID: BOT_ADMIN_ID,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      BENCH_PROFILE_DIR: profileDir,
      PUSH_MOBILE_SENDER: 'log',
      PUSH_TMA_SENDER: 'log',
      POLL_FRESHNESS_MS: String(FRESHNESS_MS),
      RATE_LIMIT_PER_MIN: '100000000',
      RATE_LIMIT_POLL_PER_MIN: '100000000',
      INTERCOM_USER_CALLS_PER_MIN: '100000000',
      // The emulator is not Intercom: let the snapshot-memory phase load 10k conversations quickly.
      INTERCOM_RATE_LIMIT_PER_MIN: '6000000',
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('message', () => resolve());
    server.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  emulator.control.setWebhookUrl(`${base}/webhooks/intercom`);
  const rows: string[][] = [];
  const row = (...cells: (string | number)[]) => rows.push(cells.map(String));

  try {
    const envText = Object.entries(PRODUCTION.env)
      .map(([name, value]) => `${name}=${value} `)
      .join('');
    process.stdout.write(`server: ${envText}node ${SERVER_NODE_FLAGS.join(' ') || '(no flags)'}, production mode\n`);
    const idleHeap = await ask<NodeJS.MemoryUsage>(server, 'gc');
    process.stdout.write(`idle: ${formatMemory(idleHeap)}\n`);
    const idleRss = rssMb(server.pid!).rss;
    // A session the real way: a host token exchanged at /auth/exchange.
    const { SignJWT } = await import('jose');
    const hostToken = await new SignJWT({ name: 'Bench' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('bench-user')
      .setIssuer('host-app')
      .setAudience('support-bff')
      .setIssuedAt()
      .setExpirationTime('2h')
      .sign(new TextEncoder().encode(secrets.HOST_JWT_SECRET));
    const session = (await (
      await fetch(`${base}/auth/exchange`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: hostToken }),
      })
    ).json()) as { token: string };
    const auth = { authorization: `Bearer ${session.token}` };
    const created = (await (
      await fetch(`${base}/api/conversations`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ body: 'bench' }),
      })
    ).json()) as { id: string; messages: { createdAt: number }[] };
    const since = created.messages.at(-1)!.createdAt;
    const pollUrl = `${base}/api/conversations/${created.id}/poll?since=${since}`;
    await fetch(pollUrl, { headers: auth });

    // 1. Memory with 10,000 warm snapshots, in a fresh process (before any load test).
    const contactId = [...emulator.state.contacts.values()].find((contact) => contact.external_id === 'bench-user')!.id;
    const ids: string[] = [];
    for (let batch = 0; batch < SNAPSHOTS; batch += 50) {
      const made = await Promise.all(
        Array.from({ length: Math.min(50, SNAPSHOTS - batch) }, (_, index) =>
          emulator.operator.call<{ conversation_id: string }>('POST', '/conversations', {
            from: { type: 'user', id: contactId },
            body: `conversation ${batch + index} with a realistic first message from the customer`,
          }),
        ),
      );
      ids.push(...made.map((message) => message.conversation_id));
    }
    // Creating them made the emulator send as many webhooks (conversation.user.created); each can
    // replace or drop a snapshot. Let that flood be delivered and processed first, then warm them.
    const flood = await settleWebhooks(emulator, postgres.url);
    process.stdout.write(`warm-up webhooks: ${flood.delivered} delivered and processed before the snapshots were warmed\n`);
    for (let batch = 0; batch < ids.length; batch += 20) {
      await Promise.all(
        ids
          .slice(batch, batch + 20)
          .map((id) => fetch(`${base}/api/conversations/${id}/poll`, { headers: auth }).then((response) => response.arrayBuffer())),
      );
    }
    const heap = await ask<NodeJS.MemoryUsage>(server, 'gc');
    process.stdout.write(`after snapshots: ${formatMemory(heap)}\n`);
    await new Promise((resolve) => setTimeout(resolve, 6000));
    const heapLater = await ask<NodeJS.MemoryUsage>(server, 'gc');
    process.stdout.write(`6 s later: ${formatMemory(heapLater)}\n`);
    const held = await ask<number>(server, 'snapshots');
    const memory = rssMb(server.pid!);
    row(
      `RSS with ${held} warm snapshots held, after GC (MB)`,
      memory.rss,
      `idle ${idleRss} MB (growth ${memory.rss - idleRss} MB)`,
      `target ≤ 200 with ≥ ${SNAPSHOTS} held`,
      memory.rss <= 200 && held >= SNAPSHOTS ? 'MET' : 'MISSED',
    );
    // 2. Poll throughput against the bare route, same process, same run.
    // The bare route gets the same requests (Authorization header included, ignored there), so the
    // load generator does identical work in both runs and the ratio is the server's alone.
    await load({ url: `http://127.0.0.1:${barePort}/bare`, connections: CONNECTIONS, duration: 3, headers: auth }); // warm-up
    const health = await load({ url: `${base}/health`, connections: CONNECTIONS, duration: DURATION });
    await load({ url: pollUrl, connections: CONNECTIONS, duration: 3, headers: auth }); // warm-up
    // Bare and poll alternate over several rounds, and each poll run is compared with the bare run
    // just before it: this machine's speed drifts by tens of percent from one minute to the next,
    // and pairing adjacent runs cancels the drift. The target is judged on the median of the pairs,
    // which one disturbed round cannot move; the ratio of the means is printed beside it.
    const bareRounds: LoadResult[] = [];
    const pollRounds: LoadResult[] = [];
    const cpuPerRequest: { bare: number[]; poll: number[] } = { bare: [], poll: [] };
    // One load while reading the server's CPU time before and after: µs of server CPU per request.
    const measured = async (kind: 'bare' | 'poll', url: string): Promise<LoadResult> => {
      const before = await ask<number>(server, 'cpu');
      const result = await load({ url, connections: CONNECTIONS, duration: DURATION, headers: auth });
      cpuPerRequest[kind].push(((await ask<number>(server, 'cpu')) - before) / result.total);
      return result;
    };
    let intercomCalls = 0;
    let windows = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      const profiled = Boolean(process.env.BENCH_PROFILE) && round === 0;
      if (profiled) await ask(server, 'profile-start');
      bareRounds.push(await measured('bare', `http://127.0.0.1:${barePort}/bare`));
      if (profiled) await ask(server, 'profile-stop:bare');
      emulator.control.resetRequests();
      if (profiled) await ask(server, 'profile-start');
      pollRounds.push(await measured('poll', pollUrl));
      if (profiled) await ask(server, 'profile-stop:poll');
      intercomCalls += emulator.control.count('GET', '/conversations/{conversation_id}');
      // A run of D seconds overlaps at most floor(D / window) + 1 freshness windows.
      windows += Math.floor((DURATION * 1000) / FRESHNESS_MS) + 1;
    }
    const bare = combine(bareRounds);
    const poll = combine(pollRounds);
    const pairs = pollRounds.map((run, index) => run.requestsPerSecond / bareRounds[index].requestsPerSecond);
    const ratio = median(pairs);
    row(
      `poll throughput (req/s, 50 conns, ${ROUNDS} runs of ${DURATION} s, each after a bare run)`,
      Math.round(poll.requestsPerSecond),
      `bare route ${Math.round(bare.requestsPerSecond)}`,
      `${ratio.toFixed(2)}× median of pairs [${pairs.map((pair) => pair.toFixed(2)).join(' ')}], ${(poll.requestsPerSecond / bare.requestsPerSecond).toFixed(2)}× of means (target ≥ 0.60)`,
      ratio >= 0.6 ? 'MET' : 'MISSED',
    );
    row(
      'server CPU per request (µs, user + system, median of runs)',
      `poll ${median(cpuPerRequest.poll).toFixed(1)}`,
      `bare route ${median(cpuPerRequest.bare).toFixed(1)}`,
      `${(median(cpuPerRequest.bare) / median(cpuPerRequest.poll)).toFixed(2)}×`,
      'info',
    );
    row(
      '/health throughput (req/s, 50 conns; all app middleware)',
      Math.round(health.requestsPerSecond),
      `bare route ${Math.round(bare.requestsPerSecond)}`,
      `${(health.requestsPerSecond / bare.requestsPerSecond).toFixed(2)}×, p99 ${health.latency.p99} ms`,
      'info',
    );
    row(
      'poll latency p99 (ms)',
      poll.latency.p99,
      `bare p99 ${bare.latency.p99}`,
      'target ≤ 10',
      poll.latency.p99 <= 10 ? 'MET' : 'MISSED',
    );
    row(
      'poll errors / non-2xx',
      `${poll.errors} / ${poll.non2xx}`,
      `bare ${bare.errors} / ${bare.non2xx}`,
      'target 0',
      poll.errors + poll.non2xx === 0 ? 'MET' : 'MISSED',
    );
    row(
      'Intercom calls during the poll run',
      intercomCalls,
      `${windows} freshness windows of ${FRESHNESS_MS} ms (${ROUNDS} runs of ${DURATION} s)`,
      `${(intercomCalls / windows).toFixed(2)} per window (target ≤ 1)`,
      intercomCalls <= windows ? 'MET' : 'MISSED',
    );

    // BENCH_ONLY=streams skips the metrics and freshness phases (docs/benchmarks.md › Method).
    if (!STREAMS_ONLY) {
      // 2b. What metrics cost a poll: two fresh twins of the app in the same process, alike but for
      // METRICS_PORT=0, poll runs alternating off/on, each on run compared with the off run beside it.
      await ask(server, 'metrics-twins-start');
      const offPollUrl = pollUrl.replace(base, `http://127.0.0.1:${metricsOffPort}`);
      const onPollUrl = pollUrl.replace(base, `http://127.0.0.1:${metricsOnPort}`);
      for (const url of [offPollUrl, onPollUrl]) await load({ url, connections: CONNECTIONS, duration: 3, headers: auth }); // warm-up
      const metricsRuns: { on: LoadResult[]; off: LoadResult[] } = { on: [], off: [] };
      const metricsCpu = { on: 0, off: 0 };
      // One load generator for all the windows (bench/load.ts over IPC): no process start between them.
      const generator = await loadWorker();
      try {
        // Off then on in even rounds, on then off in odd ones: a drift within a round favours neither.
        for (let round = 0; round < METRICS_ROUNDS; round += 1) {
          const order = [
            ['off', offPollUrl],
            ['on', onPollUrl],
          ] as const;
          for (const [kind, url] of round % 2 ? [...order].reverse() : order) {
            const profiled = Boolean(process.env.BENCH_PROFILE) && round === 0;
            if (profiled) await ask(server, 'profile-start');
            const before = await ask<number>(server, 'cpu');
            const result = await generator.run({ url, connections: CONNECTIONS, duration: METRICS_DURATION, headers: auth });
            metricsCpu[kind] += (await ask<number>(server, 'cpu')) - before;
            if (profiled) await ask(server, `profile-stop:metrics-${kind}`);
            metricsRuns[kind].push(result);
          }
        }
      } finally {
        generator.close();
      }
      const metricsPairs = metricsRuns.on.map((run, index) => run.requestsPerSecond / metricsRuns.off[index].requestsPerSecond);
      const metricsRatio = median(metricsPairs);
      const [metricsOn, metricsOff] = [combine(metricsRuns.on), combine(metricsRuns.off)];
      const sortedPairs = [...metricsPairs].sort((left, right) => left - right);
      row(
        `poll throughput with metrics on (req/s, ${METRICS_ROUNDS} windows of ${METRICS_DURATION} s, each beside a METRICS_PORT=0 window)`,
        Math.round(metricsOn.requestsPerSecond),
        `metrics off ${Math.round(metricsOff.requestsPerSecond)}`,
        `${metricsRatio.toFixed(3)}× median of pairs (quartiles ${sortedPairs[Math.floor(sortedPairs.length / 4)].toFixed(3)}–${sortedPairs[Math.floor((sortedPairs.length * 3) / 4)].toFixed(3)}), ${(metricsOn.requestsPerSecond / metricsOff.requestsPerSecond).toFixed(3)}× of means (target ≥ 0.97)`,
        metricsRatio >= 0.97 && metricsOn.non2xx + metricsOn.errors === 0 ? 'MET' : 'MISSED',
      );
      row(
        'server CPU per poll, metrics on / off (µs, all windows)',
        `on ${(metricsCpu.on / metricsOn.total).toFixed(1)}`,
        `off ${(metricsCpu.off / metricsOff.total).toFixed(1)}`,
        `+${(metricsCpu.on / metricsOn.total - metricsCpu.off / metricsOff.total).toFixed(1)} µs`,
        'info',
      );
      const scrape = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      const pollSeries =
        /^http_request_duration_seconds_count\{method="GET",route="\/api\/conversations\/:id\/poll",status_code="200"\} (\d+)$/m.exec(
          await scrape.text(),
        );
      row('polls counted on /metrics (all phases)', pollSeries?.[1] ?? 'none', '', 'http_request_duration_seconds_count', 'info');
    }
    if (!QUICK) {
      // 3. Freshness: a client polling every second sees an operator reply how soon after the webhook?
      const delays: number[] = [];
      for (let round = 0; round < 5; round += 1) {
        let cursor = (
          (await (await fetch(pollUrl.replace(/since=\d+/, 'since=0'), { headers: auth })).json()) as { latestTimestamp: number }
        ).latestTimestamp;
        emulator.control.resetRequests();
        emulator.control.clearWebhooks();
        await emulator.operator.reply(created.id, `operator answer ${round}`);
        const started = Date.now();
        let seenAt = 0;
        while (!seenAt && Date.now() - started < 10_000) {
          await new Promise((resolve) => setTimeout(resolve, CLIENT_POLL_INTERVAL_MS - ((Date.now() - started) % CLIENT_POLL_INTERVAL_MS)));
          const result = (await (await fetch(pollUrl.replace(/since=\d+/, `since=${cursor}`), { headers: auth })).json()) as {
            messages: { body: string }[];
            latestTimestamp: number;
          };
          cursor = result.latestTimestamp;
          if (result.messages.some((message) => message.body === `operator answer ${round}`)) seenAt = Date.now();
        }
        const delivered = emulator.control
          .webhooks()
          .deliveries.find((delivery) => delivery.topic === 'conversation.admin.replied' && delivery.delivered);
        delays.push(seenAt && delivered ? seenAt - delivered.at : Number.POSITIVE_INFINITY);
      }
      const worstDelay = Math.max(...delays);
      row(
        'operator reply visible after webhook (ms, worst of 5)',
        worstDelay,
        `client poll interval ${CLIENT_POLL_INTERVAL_MS}`,
        `target ≤ ${CLIENT_POLL_INTERVAL_MS + 100}`,
        worstDelay <= CLIENT_POLL_INTERVAL_MS + 100 ? 'MET' : 'MISSED',
      );
      emulator.control.resetRequests();
      await fetch(pollUrl, { headers: auth });
      row(
        'Intercom calls for a poll right after a webhook update',
        emulator.control.count('GET', '/conversations/{conversation_id}'),
        '',
        'target 0',
        emulator.control.count('GET', '/conversations/{conversation_id}') === 0 ? 'MET' : 'MISSED',
      );
    }

    // BENCH_ONLY=metrics stops here.
    if (!METRICS_ONLY) {
      // 4. Webhook acknowledgement at 200 req/s.
      // Each phase starts clean: a warm-up, and the previous phase's garbage collected.
      await load({
        url: `${base}/webhooks/intercom`,
        connections: 10,
        duration: 3,
        rate: 200,
        webhookSecret: secrets.INTERCOM_CLIENT_SECRET,
      });
      await ask(server, 'gc');
      await ask(server, 'loop-reset');
      if (process.env.BENCH_PROFILE) await ask(server, 'profile-start');
      const webhooks = await load({
        url: `${base}/webhooks/intercom`,
        connections: 10,
        duration: WEBHOOK_DURATION,
        rate: 200,
        webhookSecret: secrets.INTERCOM_CLIENT_SECRET,
      });
      row(
        'webhook ack latency p50 / p90 / p99 (ms): 200 req/s evenly spaced, timed from each due time',
        `${webhooks.latency.p50} / ${webhooks.latency.p90} / ${webhooks.latency.p99} (max ${webhooks.latency.max})`,
        `${webhooks.total} sent at ${Math.round(webhooks.requestsPerSecond)} req/s, ${webhooks.non2xx} non-2xx`,
        'target p99 ≤ 20',
        webhooks.latency.p99 <= 20 && webhooks.non2xx === 0 ? 'MET' : 'MISSED',
      );
      if (process.env.BENCH_PROFILE) await ask(server, 'profile-stop:webhook');
      const loop = await ask<{ p50: number; p99: number; max: number }>(server, 'loop');
      row('server event-loop delay during the webhook run (ms)', `p50 ${loop.p50} / p99 ${loop.p99} / max ${loop.max}`, '', '', 'info');

      // 5.–8. Realtime streams (bench/streams.ts).
      await streamPhases({
        server,
        base,
        databaseUrl: postgres.url,
        session: { secret: secrets.SESSION_JWT_SECRET, issuer: 'support-bff', audience: 'support-bff:session' },
        intercomClientSecret: secrets.INTERCOM_CLIENT_SECRET,
        ask: (message) => ask(server, message),
        rssMb: () => rssMb(server.pid!).rss,
        row,
        pollRatio: async () => {
          const bareRun = await load({
            url: `http://127.0.0.1:${barePort}/bare`,
            connections: CONNECTIONS,
            duration: DURATION,
            headers: auth,
          });
          const pollRun = await load({ url: pollUrl, connections: CONNECTIONS, duration: DURATION, headers: auth });
          return pollRun.requestsPerSecond / bareRun.requestsPerSecond;
        },
        pollRatioWithoutStreams: ratio,
        webhookAckP99WithoutLog: webhooks.latency.p99,
      });
    }
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    await emulator.close();
    await postgres.stop();
  }

  const widths = rows[0].map((_, column) => Math.max(...rows.map((cells) => cells[column].length)));
  const header = ['metric', 'value', 'baseline (same run)', 'ratio / target', ''];
  const format = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(Math.max(widths[column], header[column].length))).join(' | ')} |`;
  process.stdout.write(
    `\n${format(header)}\n${format(header.map((_, column) => '-'.repeat(Math.max(widths[column], header[column].length))))}\n${rows.map(format).join('\n')}\n`,
  );
  if (process.env.BENCH_PROFILE) {
    for (const phase of ['bare', 'poll', 'metrics-off', 'metrics-on', 'webhook', 'stream-webhook']) {
      const file = join(profileDir, `${phase}.cpuprofile`);
      if (!existsSync(file)) continue; // a phase this run skipped (BENCH_ONLY)
      process.stdout.write(`\nCPU profile of the server during the ${phase} run, top self time (${file}):\n`);
      for (const entry of topEntries(file)) process.stdout.write(`  ${String(entry.selfPercent).padStart(5)}%  ${entry.name}\n`);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
