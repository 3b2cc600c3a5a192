import type { EntityManager } from '@mikro-orm/core';

/** What the database holds, the same on every instance that shares it. */
export interface StoreCounts {
  /** Live (not deleted) assets by state: UNSCANNED, CLEAN, INFECTED, UPLOADED. */
  assetsByState: Record<string, number>;
  /** Bytes of the live assets' current files. */
  assetBytes: number;
  /** Deleted assets kept for restoring. */
  deletedAssets: number;
  /** Every file ever stored: one version per upload or replacement. */
  storedFiles: number;
}

/** Two aggregate statements, read when metrics are asked for, never on a request's path. */
export async function readStoreCounts(em: EntityManager): Promise<StoreCounts> {
  const connection = em.getConnection();
  const rows = await connection.execute<{ state: string; live: unknown; n: unknown; bytes: unknown }[]>(
    'select state, case when deleted_at is null then 1 else 0 end as live, count(*) as n, coalesce(sum(size), 0) as bytes from assets group by state, case when deleted_at is null then 1 else 0 end',
  );
  const [versions] = await connection.execute<{ n: unknown }[]>('select count(*) as n from asset_versions');
  const counts: StoreCounts = {
    assetsByState: {},
    assetBytes: 0,
    deletedAssets: 0,
    storedFiles: Number(versions?.n ?? 0),
  };
  for (const row of rows) {
    // PostgreSQL answers count and sum as text (bigint), SQLite as numbers.
    if (Number(row.live) === 1) {
      counts.assetsByState[row.state] = Number(row.n);
      counts.assetBytes += Number(row.bytes);
    } else counts.deletedAssets += Number(row.n);
  }
  return counts;
}
