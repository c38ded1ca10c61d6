// The app under benchmark, in its own process (production mode), plus — in the same process — a
// bare Nest + Fastify route with no guard, the baseline the poll is measured against.
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from 'node:inspector';
import { writeHeapSnapshot } from 'node:v8';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { INestApplication } from '@nestjs/common';
import { createApp } from '../src/app.factory';
import { ConversationSnapshotsService } from '../src/conversations/conversation-snapshots.service';
import { loadConfig } from '../src/config/config';
import { EventsHub } from '../src/events/events-hub';

@Controller()
class BareController {
  @Get('bare')
  bare(): { ok: boolean } {
    return { ok: true };
  }
}

@Module({ controllers: [BareController] })
class BareModule {}

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen(config.port, '127.0.0.1');
  const bare = await NestFactory.create<NestFastifyApplication>(BareModule, new FastifyAdapter(), { logger: false });
  await bare.listen(Number(process.env.BARE_PORT), '127.0.0.1');
  process.send?.({ ready: true });
  // The metrics phase: two fresh twins of the app, one with METRICS_PORT=0 (no request hook, no
  // listener), in this same process so both see the same machine; started on demand.
  let metricsTwins: INestApplication[] = [];
  // Event-loop delay, read per phase: tells a stall in this process from one elsewhere.
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  process.on('message', (message) => {
    if (message === 'loop-reset') {
      loopDelay.reset();
      process.send?.('ok');
    }
    // Server CPU (user + system, all threads) so far, in µs: the benchmark divides a phase's share by its requests.
    if (message === 'cpu') {
      const usage = process.cpuUsage();
      process.send?.(usage.user + usage.system);
    }
    if (message === 'snapshots') process.send?.(app.get(ConversationSnapshotsService).size);
    if (message === 'metrics-twins-start') {
      // Two fresh twins of the app, alike but for metrics: the app above carries every earlier
      // phase (10k snapshots, streams, a busy heap and its GC), which a fresh "off" twin would not,
      // and that difference, not metrics, would show in the ratio.
      void (async () => {
        const twin = (metricsPort: number) =>
          createApp({ ...config, metrics: { ...config.metrics, port: metricsPort }, webhooks: { ...config.webhooks, workers: 0 } });
        metricsTwins = [await twin(Number(process.env.METRICS_TWIN_METRICS_PORT)), await twin(0)];
        await metricsTwins[0].listen(Number(process.env.METRICS_ON_PORT), '127.0.0.1');
        await metricsTwins[1].listen(Number(process.env.METRICS_OFF_PORT), '127.0.0.1');
        process.send?.('metrics-twins-started');
      })();
    }
    if (message === 'streams') process.send?.(app.get(EventsHub).openConnections);
    if (message === 'loop') {
      const ms = (ns: number) => Math.round(ns / 1e5) / 10;
      process.send?.({ p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) });
    }
    if (typeof message === 'string' && message.startsWith('profile-')) void profile(message);
    // BENCH_HEAP_SNAPSHOT: what the idle streams hold, by constructor (see docs/benchmarks.md).
    if (message === 'heap-snapshot') process.send?.(writeHeapSnapshot(join(process.env.BENCH_PROFILE_DIR ?? '.', 'streams.heapsnapshot')));
    // The benchmark asks for a full GC before reading RSS, so it measures what is retained.
    if (message === 'gc') {
      (globalThis as { gc?: () => void }).gc?.();
      process.send?.(process.memoryUsage());
    }
  });
  const stop = async () => {
    await Promise.all([app.close(), bare.close(), ...metricsTwins.map((twin) => twin.close())]);
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

// CPU profile of one phase only (the poll run), written where BENCH_PROFILE_FILE says.
const session = new Session();
async function profile(message: string): Promise<void> {
  const start = message === 'profile-start';
  const post = (method: string) =>
    new Promise<unknown>((resolve, reject) => session.post(method, (error, result) => (error ? reject(error) : resolve(result))));
  if (start) {
    session.connect();
    await post('Profiler.enable');
    await post('Profiler.start');
  } else {
    const { profile: data } = (await post('Profiler.stop')) as { profile: unknown };
    writeFileSync(
      join(process.env.BENCH_PROFILE_DIR ?? '.', `${message.slice('profile-stop:'.length) || 'run'}.cpuprofile`),
      JSON.stringify(data),
    );
    session.disconnect();
  }
  process.send?.(`profile-${start ? 'started' : 'stopped'}`);
}

void main();
