import { Logger } from '@nestjs/common';
import { PeriodicTask } from './periodic-task';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe('PeriodicTask', () => {
  const logger = new Logger('PeriodicTaskSpec');

  it('never runs twice at once: a tick during a run joins it', async () => {
    const gate = deferred();
    let runs = 0;
    const task = new PeriodicTask(
      'sweep',
      60_000,
      async () => {
        runs += 1;
        await gate.promise;
      },
      logger,
    );
    const first = task.tick();
    const second = task.tick();
    expect(second).toBe(first);
    gate.resolve();
    await first;
    expect(runs).toBe(1);
    await task.tick();
    expect(runs).toBe(2);
  });

  it('logs a failed run and runs again at the next tick', async () => {
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    let calls = 0;
    const task = new PeriodicTask(
      'sweep',
      60_000,
      () => {
        calls += 1;
        return calls === 1 ? Promise.reject(new Error('database gone')) : Promise.resolve();
      },
      logger,
    );
    await expect(task.tick()).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ err: expect.any(Error) }), 'sweep failed; the next run tries again');
    await task.tick();
    expect(calls).toBe(2);
    warn.mockRestore();
  });

  it('runs on its interval once started, and stop() waits for the run in progress', async () => {
    const gate = deferred();
    let started = 0;
    let finished = 0;
    const task = new PeriodicTask(
      'sweep',
      5,
      async () => {
        started += 1;
        await gate.promise;
        finished += 1;
      },
      logger,
    );
    task.start();
    while (started === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    let stopped = false;
    const stopping = task.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    gate.resolve();
    await stopping;
    expect(finished).toBe(1);
    // No tick after stop: the interval is cleared (a tick now is an explicit call).
    expect(started).toBe(1);
  });
});
