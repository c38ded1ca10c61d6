import type { Logger } from '@nestjs/common';

// A background job run every intervalMs on this instance (retention sweeps, lease take-overs).
// Never two runs at once: a run slower than the interval makes the next tick a no-op instead of
// piling up statements on the pool. A failure is logged and the next tick tries again. stop()
// waits for the run in progress, so shutdown does not close the pool under it. Hand-written: the
// job queue (pg-boss) is for durable work; these are idempotent sweeps that every instance may
// run at once, and a timer is all they need.
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly run: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.tick(), this.intervalMs).unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  // One run now, or the one already going; never rejects.
  tick(): Promise<void> {
    this.running ??= this.runLogged().finally(() => (this.running = undefined));
    return this.running;
  }

  private async runLogged(): Promise<void> {
    try {
      await this.run();
    } catch (error) {
      this.logger.warn({ err: error }, `${this.name} failed; the next run tries again`);
    }
  }
}
