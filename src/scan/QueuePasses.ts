import type { Logger } from 'pino';

const POLL_MS = 2_000;

/**
 * A queue in the database, worked through in passes (`drain`): one at a time, every two seconds (or
 * `pollMs`) and whenever woken (after an upload, a scan), never two at once in this process. A pass ends
 * when nothing is ready.
 */
export abstract class QueuePasses {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private wakeAgain = false;
  private stopped = false;
  private readonly handBack = new AbortController();

  constructor(
    private readonly passLog: Logger,
    private readonly failure: string,
    private readonly pollMs = POLL_MS,
  ) {}

  /**
   * One pass: works until nothing is ready, or `stopped()`. Once `handBack` aborts, the work in progress is
   * given up and its claim released, so that another instance, or the next start, takes it at once.
   */
  protected abstract drain(stopped: () => boolean, handBack: AbortSignal): Promise<void>;

  start(): void {
    this.timer = setInterval(() => this.wake(), this.pollMs);
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
    this.running = this.drain(() => this.stopped, this.handBack.signal)
      .catch((error: unknown) => this.passLog.error({ err: error }, this.failure))
      .finally(() => {
        this.running = undefined;
        if (this.wakeAgain) {
          this.wakeAgain = false;
          this.wake();
        }
      });
  }

  /**
   * Claims nothing more and resolves once no pass is running, e.g. before the database is closed. The work in
   * progress may finish until `handBackWhen` settles (without it: however long it takes); then it is handed back.
   */
  async stop(handBackWhen?: Promise<unknown>): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    const running = this.running;
    if (!running) return;
    if (handBackWhen) {
      const finished = await Promise.race([
        running.then(() => true),
        handBackWhen.then(
          () => false,
          () => false,
        ),
      ]);
      if (!finished) this.handBack.abort(new Error('the process is stopping'));
    }
    await running;
  }
}
