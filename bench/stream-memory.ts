// The idle-streams memory phase of `npm run bench` alone, to iterate on #18's "≤ 10 KB a stream"
// in about a minute (the bench's row is the figure that counts):
//   flock /work/bench.lock node -r @swc-node/register bench/stream-memory.ts [streams]
// The app as the bench runs it (compiled, `npm start`'s flags and environment), the same stream
// client; prints the growth by V8 space and by kind of mapping. HEAP_SNAPSHOTS=1 adds snapshots
// before and after and the growth by constructor (the snapshots' own memory then inflates RSS).
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { BOT_ADMIN_ID, startIntercomEmulator } from '../tools/intercom-emulator/src';
import { heapTable, summarise } from './heap-summary';

const ROOT = join(__dirname, '..');
const STREAMS = Number(process.argv[2] ?? 10_000);
const secrets = {
  INTERCOM_ACCESS_TOKEN: 'bench-intercom-token-0123456789',
  INTERCOM_CLIENT_SECRET: 'bench-intercom-client-secret-0123',
  SESSION_JWT_SECRET: 'bench-session-secret-0123456789abcdef',
  HOST_JWT_SECRET: 'bench-host-secret-0123456789abcdef',
  TELEGRAM_BOT_TOKEN: '1:bench-telegram-token-0123456789',
  FILE_LINK_SECRET: 'bench-file-link-secret-0123456789',
};

function ask<T>(child: ChildProcess, message: unknown): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (answer) => resolve(answer as T));
    child.send(message as string);
  });
}

interface Where {
  spaces: Record<string, number>;
  mappings: Record<string, number>;
}

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const mb = (bytes: number) => Math.round(bytes / 1048576);

async function main(): Promise<void> {
  if (!process.env.SKIP_BUILD) {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.bench.json')], {
      cwd: ROOT,
      stdio: 'inherit',
    });
  }
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const [, envText, flagText] = /^((?:[A-Z_]+=\S+ )*)node((?: --[\w-]+(?:=\S+)?)*) /.exec(scripts.start)!;
  const productionEnv = Object.fromEntries(
    envText
      .trim()
      .split(' ')
      .filter(Boolean)
      .map((pair) => pair.split('=')),
  ) as Record<string, string>;
  const postgres = await startEmbeddedPostgres();
  const emulator = await startIntercomEmulator({ port: 0, clientSecret: secrets.INTERCOM_CLIENT_SECRET, validateRequests: false });
  const [port, barePort, metricsPort] = [await freePort(), await freePort(), await freePort()];
  const profileDir = mkdtempSync(join(tmpdir(), 'stream-memory-'));
  const base = `http://127.0.0.1:${port}`;
  const server = fork(join(ROOT, 'dist/bench-build/bench/stream-memory-server.js'), [], {
    cwd: ROOT,
    execArgv: ['--expose-gc', ...flagText.trim().split(' ').filter(Boolean)],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: {
      ...process.env,
      ...secrets,
      ...productionEnv,
      NODE_ENV: 'production',
      PORT: String(port),
      BARE_PORT: String(barePort),
      METRICS_PORT: String(metricsPort),
      METRICS_HOST: '127.0.0.1',
      PUBLIC_BASE_URL: base,
      DATABASE_URL: postgres.url,
      INTERCOM_BASE_URL: emulator.url,
      INTERCOM_ADMIN_ID: BOT_ADMIN_ID,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      BENCH_PROFILE_DIR: profileDir,
      PUSH_MOBILE_SENDER: 'log',
      PUSH_TMA_SENDER: 'log',
      RATE_LIMIT_PER_MIN: '100000000',
      MAX_CONNECTIONS: '20000',
    },
  });
  const client = fork(join(__dirname, 'streams-client.ts'), [], {
    execArgv: ['-r', '@swc-node/register'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  server.once('exit', (code) => {
    console.error(`server exited ${code}`);
    process.exit(1);
  });
  try {
    await Promise.all([ask(server, 'ready?'), new Promise((resolve) => client.once('message', resolve))]);
    const snapshot = async (name: string) => {
      const file = join(profileDir, `${name}.heapsnapshot`);
      renameSync(await ask<string>(server, 'heap-snapshot'), file);
      return file;
    };
    const snapshots = Boolean(process.env.HEAP_SNAPSHOTS);
    const heapBefore = await ask<NodeJS.MemoryUsage>(server, 'gc');
    const rssBefore = rssMb(server.pid!);
    const whereBefore = await ask<Where>(server, 'where');
    const beforeFile = snapshots ? await snapshot('before') : undefined;
    const session = { secret: secrets.SESSION_JWT_SECRET, issuer: 'support-bff', audience: 'support-bff:session' };
    const opened = await ask<{ ok: boolean; result: { opened: number } }>(client, { cmd: 'open', base, count: STREAMS, session });
    const held = await ask<number>(server, 'streams');
    const heapWith = await ask<NodeJS.MemoryUsage>(server, 'gc');
    const rssWith = rssMb(server.pid!);
    const whereWith = await ask<Where>(server, 'where');
    process.stdout.write(
      `${opened.result?.opened} opened, ${held} held: heap used ${mb(heapBefore.heapUsed)} → ${mb(heapWith.heapUsed)} MB, heap total ${mb(heapBefore.heapTotal)} → ${mb(heapWith.heapTotal)} MB, external ${mb(heapBefore.external)} → ${mb(heapWith.external)} MB, rss ${rssBefore.toFixed(0)} → ${rssWith.toFixed(0)} MB: ${(((rssWith - rssBefore) * 1024) / held).toFixed(1)} KB a stream (heap used ${((heapWith.heapUsed - heapBefore.heapUsed) / 1024 / held).toFixed(1)} KB)\n`,
    );
    for (const part of ['spaces', 'mappings'] as const) {
      const growth = Object.entries(whereWith[part]).map(
        ([name, kb]) => `${name} ${((kb - (whereBefore[part][name] ?? 0)) / 1024).toFixed(1)}`,
      );
      process.stdout.write(`growth by ${part === 'spaces' ? 'V8 space' : 'mapping'} (MB, resident): ${growth.join(', ')}\n`);
    }
    if (beforeFile) {
      const afterFile = await snapshot('after');
      process.stdout.write(`${beforeFile}\n${afterFile}\n`);
      process.stdout.write(heapTable(summarise(afterFile), summarise(beforeFile), held, 40));
    }
  } finally {
    client.kill();
    server.removeAllListeners('exit');
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    await emulator.close();
    await postgres.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
