import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LEASE_MS, whileLeaseRenewed } from '../src/scan/claimLease.js';

/*
 * The claim of a queue row (a file to scan, a rendition to make) is a short lease renewed while the work runs:
 * long work keeps its row, and a killed worker's row is free again one lease after its last renewal.
 */

describe('a claim renewed while its work runs', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is renewed before its lease runs out, for as long as the work runs', async () => {
    const renewals: number[] = [];
    let finish: () => void = () => {};
    const work = whileLeaseRenewed(
      async () => renewals.push(Date.now()),
      () => {},
      () => new Promise<void>((resolve) => (finish = resolve)),
    );
    const started = Date.now();
    await vi.advanceTimersByTimeAsync(5 * LEASE_MS);
    finish();
    await work;
    const gaps = renewals.map((at, index) => at - (renewals[index - 1] ?? started));
    expect(renewals.length).toBeGreaterThanOrEqual(5);
    expect(Math.max(...gaps)).toBeLessThan(LEASE_MS);
  });

  it('is no longer renewed once its work has settled', async () => {
    let renewals = 0;
    await whileLeaseRenewed(
      async () => renewals++,
      () => {},
      async () => 'done',
    );
    await vi.advanceTimersByTimeAsync(5 * LEASE_MS);
    expect(renewals).toBe(0);
  });

  it('hands a failed renewal to its handler and keeps renewing', async () => {
    const failures: unknown[] = [];
    let finish: () => void = () => {};
    const work = whileLeaseRenewed(
      () => Promise.reject(new Error('database unreachable')),
      (error) => failures.push(error),
      () => new Promise<void>((resolve) => (finish = resolve)),
    );
    await vi.advanceTimersByTimeAsync(2 * LEASE_MS);
    finish();
    await work;
    expect(failures.length).toBeGreaterThanOrEqual(2);
  });
});
