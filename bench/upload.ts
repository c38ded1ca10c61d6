// `npm run bench:upload`: ten concurrent 20 MB uploads, several rounds, against the BFF (production
// mode, local disk, embedded Postgres) and against a bare Fastify multipart sink in the same run.
// Prints throughput and the server process's peak RSS growth over its idle RSS.
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningS3, startS3Server } from '../test/helpers/s3-server';

const MB = 1024 * 1024;
const FILE_BYTES = Number(process.env.BENCH_FILE_MB ?? 20) * MB;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
// local (default) or s3: the app then stores into an in-process S3-compatible server (s3rver).
const STORAGE = process.env.BENCH_STORAGE === 's3' ? 's3' : 'local';
const CHUNK = 256 * 1024;
const BOUNDARY = 'bench-upload-boundary';
const PNG_SIGNATURE = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108020000009077', 'hex');

interface Result {
  target: string;
  mbPerSecond: number;
  idleRssMb: number;
  peakGrowthMb: number;
}

const rssMb = (pid: number): number => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

// One multipart upload of FILE_BYTES streamed from two reused buffers (the client holds ~nothing).
function uploadOnce(port: number, token: string): Promise<void> {
  const head = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="shot.png"\r\nContent-Type: image/png\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  const first = Buffer.alloc(CHUNK, 0x41);
  PNG_SIGNATURE.copy(first);
  const filler = Buffer.alloc(CHUNK, 0x42);
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path: '/api/files/upload',
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
        'content-length': head.length + FILE_BYTES + tail.length,
      },
    });
    req.on('response', (response) => {
      response.resume();
      response.on('end', () => (response.statusCode === 201 ? resolve() : reject(new Error(`upload answered ${response.statusCode}`))));
    });
    req.on('error', reject);
    let sent = 0;
    const pump = (): void => {
      if (sent === 0) req.write(head);
      while (sent < FILE_BYTES) {
        const piece = (sent === 0 ? first : filler).subarray(0, Math.min(CHUNK, FILE_BYTES - sent));
        sent += piece.length;
        if (!req.write(piece)) return void req.once('drain', pump);
      }
      req.end(tail);
    };
    pump();
  });
}

async function measure(target: 'app' | 'baseline', s3: RunningS3 | undefined): Promise<Result> {
  const directory = await mkdtemp(join(tmpdir(), `bench-upload-${target}-`));
  const server: ChildProcess = fork(join(__dirname, 'upload-server.ts'), [target, directory], {
    execArgv: ['-r', '@swc-node/register'],
    env: { ...process.env, ...(target === 'app' ? s3?.env : {}) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const { port, token } = await new Promise<{ port: number; token: string }>((resolve, reject) => {
      server.once('message', (message) => resolve(message as { port: number; token: string }));
      server.once('exit', (code) => reject(new Error(`${target} server exited with ${code}`)));
    });
    await uploadOnce(port, token); // warm-up: JIT, pools, first DB connections
    await new Promise((resolve) => setTimeout(resolve, 500));
    const idle = rssMb(server.pid!);
    let peak = idle;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(server.pid!))), 10);
    const started = process.hrtime.bigint();
    for (let round = 0; round < ROUNDS; round += 1) {
      await Promise.all(Array.from({ length: CONCURRENCY }, () => uploadOnce(port, token)));
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    clearInterval(sampler);
    const totalMb = (ROUNDS * CONCURRENCY * FILE_BYTES) / MB;
    return { target, mbPerSecond: totalMb / seconds, idleRssMb: idle, peakGrowthMb: peak - idle };
  } finally {
    server.send('stop');
    await new Promise((resolve) => server.once('exit', resolve));
    await rm(directory, { recursive: true, force: true });
  }
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// Disk and CPU are shared with whatever else runs on the machine: alternate the two targets and
// report the median throughput and the worst memory growth of each.
async function main(): Promise<void> {
  process.stdout.write(
    `${REPEATS} × (${ROUNDS} rounds × ${CONCURRENCY} concurrent uploads of ${FILE_BYTES / MB} MB), app storage: ${STORAGE}, alternating targets\n`,
  );
  const s3 = STORAGE === 's3' ? await startS3Server() : undefined;
  const results: Result[] = [];
  for (let repeat = 0; repeat < REPEATS; repeat += 1) {
    for (const target of ['baseline', 'app'] as const) {
      const result = await measure(target, s3);
      results.push(result);
      process.stdout.write(
        `  ${target.padEnd(9)} ${result.mbPerSecond.toFixed(1).padStart(7)} MB/s   idle RSS ${result.idleRssMb.toFixed(0)} MB   peak RSS growth ${result.peakGrowthMb.toFixed(1)} MB\n`,
      );
    }
  }
  const summary = (target: string) => {
    const own = results.filter((result) => result.target === target);
    return {
      mbPerSecond: median(own.map((result) => result.mbPerSecond)),
      peakGrowthMb: Math.max(...own.map((result) => result.peakGrowthMb)),
    };
  };
  await s3?.stop();
  const [baseline, app] = [summary('baseline'), summary('app')];
  for (const [name, value] of [
    ['baseline', baseline],
    ['app', app],
  ] as const) {
    process.stdout.write(
      `${name.padEnd(9)} median ${value.mbPerSecond.toFixed(1)} MB/s, worst peak RSS growth ${value.peakGrowthMb.toFixed(1)} MB\n`,
    );
  }
  process.stdout.write(
    `app/baseline: throughput ${(app.mbPerSecond / baseline.mbPerSecond).toFixed(2)}×, peak RSS growth ${(app.peakGrowthMb / baseline.peakGrowthMb).toFixed(2)}×\n`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
