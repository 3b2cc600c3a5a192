/**
 * The uploads being staged right now. A store's close() waits for them: an upload cut off at shutdown
 * removes its staged bytes on its way out, and that must happen before the process ends.
 */
export class StagingsInProgress {
  private readonly running = new Set<Promise<unknown>>();

  track<T>(staging: Promise<T>): Promise<T> {
    this.running.add(staging);
    const forget = () => this.running.delete(staging);
    staging.then(forget, forget);
    return staging;
  }

  /** Resolves once every staging begun so far has succeeded or failed (and cleaned up). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }
}
