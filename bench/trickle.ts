// `npm run bench:trickle`: what 100 clients trickling one byte every 2 s cost the server (#15 item
// 2, docs/hardening.md): the BFF in this process, the clients in a child process, sampling the
// server's RSS and open sockets every second. Run once with this repository's timeouts and once
// with Node's defaults (TRICKLE_NODE_DEFAULTS=1) to compare.
import 'reflect-metadata';
import { fork } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { createApp } from '../src/app.factory';
import { loadConfig } from '../src/config/config';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';

const CLIENTS = Number(process.env.TRICKLE_CLIENTS ?? 100);
const DRIP_MS = 2000;
const SECONDS = Number(process.env.TRICKLE_SECONDS ?? 30);
const MB = 1024 * 1024;

// The child: half trickle their headers, half a declared 10 MB body, one byte every DRIP_MS.
function runClients(port: number): void {
  const sockets: Socket[] = [];
  for (let index = 0; index < CLIENTS; index += 1) {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.on('connect', () => {
      socket.write(
        index % 2 === 0
          ? 'GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: '
          : `POST /api/conversations HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer x\r\nContent-Type: application/json\r\nContent-Length: ${10 * MB}\r\n\r\n{"body":"`,
      );
    });
    sockets.push(socket);
  }
  setInterval(() => {
    for (const socket of sockets) if (socket.writable) socket.write('a');
  }, DRIP_MS);
}

async function main(): Promise<void> {
  if (process.argv[2] === 'clients') {
    runClients(Number(process.argv[3]));
    return;
  }
  const nodeDefaults = process.env.TRICKLE_NODE_DEFAULTS === '1';
  const postgres = await startEmbeddedPostgres();
  const config = loadConfig({
    NODE_ENV: 'development',
    LOG_LEVEL: 'error',
    METRICS_PORT: '0',
    WEBHOOK_WORKERS: '0',
    DATABASE_URL: postgres.url,
    ...(process.env.REQUEST_TIMEOUT_MS ? { REQUEST_TIMEOUT_MS: process.env.REQUEST_TIMEOUT_MS } : {}),
    // Node's timeouts, as before #15: headers 60 s, request 300 s, no idle cut, no socket cap.
    ...(nodeDefaults
      ? { HEADERS_TIMEOUT_MS: '60000', REQUEST_TIMEOUT_MS: '300000', CONNECTION_TIMEOUT_MS: '3600000', MAX_CONNECTIONS: '1000000' }
      : {}),
  });
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer();
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const connections = () => new Promise<number>((resolve) => server.getConnections((_error, count) => resolve(count)));
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  process.stdout.write(`${nodeDefaults ? "Node's defaults" : 'this repository'}: baseline RSS ${(baseline / MB).toFixed(1)} MB\n`);
  process.stdout.write('  s   open sockets   RSS MB   Δ MB\n');
  const child = fork(__filename, ['clients', String(port)], { execArgv: ['-r', '@swc-node/register'], stdio: 'inherit' });
  let peak = 0;
  for (let second = 1; second <= SECONDS; second += 1) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const rss = process.memoryUsage().rss;
    peak = Math.max(peak, rss);
    const open = await connections();
    if (second % 2 === 0 || open === 0) {
      process.stdout.write(
        `${String(second).padStart(3)}   ${String(open).padStart(12)}   ${(rss / MB).toFixed(1).padStart(6)}   ${((rss - baseline) / MB).toFixed(1).padStart(4)}\n`,
      );
    }
  }
  process.stdout.write(`peak RSS ${(peak / MB).toFixed(1)} MB (+${((peak - baseline) / MB).toFixed(1)} MB)\n`);
  child.kill();
  await app.close();
  await postgres.stop();
}

void main();
