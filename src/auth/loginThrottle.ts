import { createHash } from 'node:crypto';
import { raw } from '@mikro-orm/core';
import type { SqlEntityManager as EntityManager } from '@mikro-orm/sql';
import { LoginThrottle } from '../db/entities/LoginThrottle.js';
import { TooManyAttempts } from '../errors.js';

/** Failures after which each further failed attempt is answered more slowly. */
const SLOW_AFTER = 3;
/** Failures after which the pair is refused outright for LOCK_MS. */
const LOCK_AFTER = 10;
const LOCK_MS = 15 * 60_000;
/** A failure older than this starts the count again. */
const WINDOW_MS = 15 * 60_000;
const MAX_DELAY_MS = 4_000;

/** One row per username and client address, hashed so that the table holds no usernames. */
function throttleKey(username: string, address: string): string {
  return createHash('sha256').update(`${username.toLowerCase()}\n${address}`).digest('hex');
}

export async function refuseIfLocked(em: EntityManager, username: string, address: string): Promise<void> {
  const row = await em.findOne(LoginThrottle, { key: throttleKey(username, address) });
  const lockedUntil = row?.lockedUntil?.getTime() ?? 0;
  if (lockedUntil > Date.now()) {
    const retryAfterSeconds = Math.ceil((lockedUntil - Date.now()) / 1000);
    throw new TooManyAttempts(
      `Too many failed logins for this username from this address; try again in ${Math.ceil(retryAfterSeconds / 60)} minutes`,
      { retryAfterSeconds },
    );
  }
}

/** Counts a failure and waits longer the more there have been, so guessing gets slow before it gets refused. */
export async function recordFailure(em: EntityManager, username: string, address: string): Promise<void> {
  const key = throttleKey(username, address);
  const now = new Date();
  const row = await em.findOne(LoginThrottle, { key });
  let failures: number;
  if (!row || now.getTime() - row.lastFailureAt.getTime() > WINDOW_MS) {
    failures = 1;
    await em.upsert(LoginThrottle, { key, failures, lastFailureAt: now, lockedUntil: null });
  } else {
    failures = row.failures + 1;
    await em.nativeUpdate(LoginThrottle, { key }, { failures: raw('failures + 1'), lastFailureAt: now });
  }
  if (failures >= LOCK_AFTER) {
    await em.nativeUpdate(LoginThrottle, { key }, { lockedUntil: new Date(now.getTime() + LOCK_MS) });
  }
  if (failures > SLOW_AFTER) {
    const delay = Math.min(MAX_DELAY_MS, 250 * 2 ** (failures - SLOW_AFTER - 1));
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

export async function clearFailures(em: EntityManager, username: string, address: string): Promise<void> {
  await em.nativeDelete(LoginThrottle, { key: throttleKey(username, address) });
}
