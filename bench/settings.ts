// The bench's settings, from the environment, and the little every part of it shares (log lines, numbers).

export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new Error(`${name}: expected a positive whole number, got "${raw}"`);
  return Number(raw);
}

export const MIB = 1024 * 1024;
/** Per req/s and download run. */
export const SECONDS = envInt('BENCH_SECONDS', 10);
/** Rounds of req/s runs (each round one run of every anchor and every gateway figure): ratios are their medians. */
export const ROUNDS = envInt('BENCH_ROUNDS', 3);
export const UPLOAD_BYTES = envInt('BENCH_UPLOAD_MB', 1024) * MIB;
export const SEARCH_ASSETS = envInt('BENCH_SEARCH_ASSETS', 100_000);
export const SEARCH_REQUESTS = envInt('BENCH_SEARCH_REQUESTS', 200);
export const CONNECTIONS = 10;
export const ADMIN = { username: 'admin', password: 'bench-admin-password' };

const startedAt = performance.now();
/** A progress line, with the time since the bench started. */
export function log(message: string): void {
  const seconds = Math.floor((performance.now() - startedAt) / 1000);
  const elapsed = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  process.stdout.write(`[bench ${elapsed}] ${message}\n`);
}
export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits });
export const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The middle value (the mean of the two middle ones for an even count); 0 for none. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = (sorted.length - 1) / 2;
  return ((sorted[Math.floor(middle)] ?? 0) + (sorted[Math.ceil(middle)] ?? 0)) / 2;
}
