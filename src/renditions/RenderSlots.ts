/** Every render slot is busy and as many callers as allowed wait already: try again in a moment. */
export class RenderSlotsFull extends Error {
  constructor() {
    super('every render slot is busy and the waiting line is full');
    this.name = 'RenderSlotsFull';
  }
}

/**
 * At most `size` renders at once in this process, the queue's and first requests' together: each holds a
 * file's bytes and a decoded image, so this bounds the memory renditions take. Waiters go first come, first
 * served, and hold no bytes while they wait (a render reads its file once it has a slot).
 */
export class RenderSlots {
  private busy = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly size: number) {}

  /** Runs `work` in a slot; RenderSlotsFull at once when it would have to wait behind `maxWaiting` others. */
  async run<T>(work: () => Promise<T>, maxWaiting = Number.POSITIVE_INFINITY): Promise<T> {
    if (this.busy >= this.size) {
      if (this.waiting.length >= maxWaiting) throw new RenderSlotsFull();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else this.busy++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.busy--;
    }
  }
}
