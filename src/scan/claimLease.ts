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

/** Runs `work`, calling `renew` every RENEW_MS until it settles; a failed renewal goes to `renewFailed`. */
export async function whileLeaseRenewed<T>(
  renew: () => Promise<unknown>,
  renewFailed: (error: unknown) => void,
  work: () => Promise<T> | T,
): Promise<T> {
  const renewal = setInterval(() => {
    renew().catch(renewFailed);
  }, RENEW_MS);
  try {
    return await work();
  } finally {
    clearInterval(renewal);
  }
}
