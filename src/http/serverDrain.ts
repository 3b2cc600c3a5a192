import type { Server } from 'node:http';

/** While draining, how often connections that have gone idle (their response sent) are closed. */
const IDLE_SWEEP_MS = 50;
/** After the grace period: how long the handlers of cut requests get to clean up (a staged upload removed). */
const CUT_SETTLE_MS = 5_000;

/** Resolves true when `promise` settles within `ms`, false when the time runs out first. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The request handlers still running: a response can be over (the client gone, the request cut) while its
 * handler still cleans up, and that must end before the database and the blob store close.
 */
export class RunningHandlers {
  private count = 0;
  private noneLeft: (() => void) | undefined;

  started(): void {
    this.count++;
  }

  readonly settled = (): void => {
    this.count--;
    if (this.count === 0) this.noneLeft?.();
  };

  /** Resolves once none runs, or after `ms`. */
  async noneRunningWithin(ms: number): Promise<void> {
    if (this.count === 0) return;
    await settlesWithin(
      new Promise<void>((resolve) => {
        this.noneLeft = resolve;
      }),
      ms,
    );
    this.noneLeft = undefined;
  }
}

function connectionCount(server: Server): Promise<number> {
  return new Promise((resolve) => server.getConnections((error, count) => resolve(error ? 0 : count)));
}

/**
 * Stops `server` accepting connections and lets the requests in flight finish within `graceMs`: an idle
 * kept-alive connection is closed at once, a busy one as soon as its response is sent. Past the grace
 * period the connections still busy are cut. Resolves, once the handlers have settled, with how many were cut.
 */
export async function drainServer(
  server: Server,
  handlers: RunningHandlers,
  graceMs: number,
): Promise<{ requestsCut: number }> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
  const inTime = await settlesWithin(closed, graceMs);
  clearInterval(sweep);
  let requestsCut = 0;
  if (!inTime) {
    server.closeIdleConnections();
    requestsCut = await connectionCount(server);
    server.closeAllConnections();
    await closed;
  }
  await handlers.noneRunningWithin(CUT_SETTLE_MS);
  return { requestsCut };
}
