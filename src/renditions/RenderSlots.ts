/**
 * At most `size` renders at once in this process, the queue's and first requests' together: each holds a
 * file's bytes and a decoded image, so this bounds the memory renditions take. Waiters go first come, first served.
 */
export class RenderSlots {
  private busy = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly size: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.busy >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.busy++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.busy--;
    }
  }
}
