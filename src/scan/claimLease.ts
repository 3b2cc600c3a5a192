/**
 * How long a queue's claim holds without being renewed. A worker renews it every RENEW_MS while it works, so
 * long work keeps its row, and a row claimed by a process that was killed is free again this soon after.
 */
export const LEASE_MS = 30_000;
const RENEW_MS = 10_000;

/** When a claim taken or renewed at `from` runs out. */
export function leaseEnd(from = Date.now()): Date {
  return new Date(from + LEASE_MS);
}

/**
 * Runs `work`, calling `renew` every RENEW_MS until it settles; a failed renewal goes to `renewFailed`. Once
 * `handBack` aborts (the process is stopping), it rejects with its reason at once and stops renewing, and
 * `work`, left to run, is no one's any more: the caller releases the claim.
 */
export async function whileLeaseRenewed<T>(
  renew: () => Promise<unknown>,
  renewFailed: (error: unknown) => void,
  work: () => Promise<T> | T,
  handBack?: AbortSignal,
): Promise<T> {
  handBack?.throwIfAborted();
  const renewal = setInterval(() => {
    renew().catch(renewFailed);
  }, RENEW_MS);
  try {
    return await (handBack ? untilHandedBack(Promise.resolve().then(work), handBack) : work());
  } finally {
    clearInterval(renewal);
  }
}

function untilHandedBack<T>(working: Promise<T>, handBack: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const handedBack = () => reject(handBack.reason);
    handBack.addEventListener('abort', handedBack, { once: true });
    working.then(resolve, reject).finally(() => handBack.removeEventListener('abort', handedBack));
  });
}
