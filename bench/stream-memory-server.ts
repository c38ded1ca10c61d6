// The app for bench/stream-memory.ts: as bench/bff-server.ts (production mode, compiled), without
// the bare baseline, and answering where its memory is (V8's spaces, the process's mappings).
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { createApp } from '../src/app.factory';
import { loadConfig } from '../src/config/config';
import { EventsHub } from '../src/events/events-hub';

// Resident kB by kind of mapping: V8's heap pages and malloc's mmaps are both anonymous; [heap] is brk.
function mappings(): Record<string, number> {
  const totals: Record<string, number> = {};
  let kind = '';
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) kind = header[1].startsWith('/') ? 'files' : header[1] || 'anonymous';
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) totals[kind] = (totals[kind] ?? 0) + Number(rss[1]);
  }
  return totals;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen(config.port, '127.0.0.1');
  process.send?.({ ready: true });
  process.on('message', (message) => {
    if (message === 'streams') process.send?.(app.get(EventsHub).openConnections);
    if (message === 'heap-snapshot') process.send?.(writeHeapSnapshot(join(process.env.BENCH_PROFILE_DIR ?? '.', 'streams.heapsnapshot')));
    if (message === 'gc') {
      (globalThis as { gc?: () => void }).gc?.();
      process.send?.(process.memoryUsage());
    }
    if (message === 'where') {
      const spaces = Object.fromEntries(
        getHeapSpaceStatistics().map((space) => [space.space_name, Math.round(space.physical_space_size / 1024)]),
      );
      process.send?.({ spaces, mappings: mappings() });
    }
  });
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

void main();
