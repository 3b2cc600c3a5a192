import type { Logger } from 'pino';

const POLL_MS = 2_000;

/**
 * Runs passes over a database queue: one at a time, every two seconds and whenever woken (after an upload,
 * a scan), never two at once in this process. A pass ends when its queue has nothing ready.
 */
export class QueuePasses {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private wakeAgain = false;
  private stopped = false;

  constructor(
    private readonly pass: (stopped: () => boolean) => Promise<void>,
    private readonly log: Logger,
    private readonly failure: string,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.wake(), POLL_MS);
    this.timer.unref();
    this.wake();
  }

  /** Asks for a pass over the queue now, without waiting for the next poll. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.wakeAgain = true;
      return;
    }
    this.running = this.pass(() => this.stopped)
      .catch((error: unknown) => this.log.error({ err: error }, this.failure))
      .finally(() => {
        this.running = undefined;
        if (this.wakeAgain) {
          this.wakeAgain = false;
          this.wake();
        }
      });
  }

  /** Resolves once no pass is running, e.g. before the database is closed. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }
}
