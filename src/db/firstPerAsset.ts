import type { EntityDictionary, EntityManager, EntityName } from '@mikro-orm/core';
import { rawObjects } from './rawRows.js';

/**
 * The first `limit` rows of `table` for each of these assets in the order `orderBy` (columns of the table),
 * as entities, grouped by asset in the order of `assetIds`. The limit is applied in SQL, per asset, by a
 * window function (SQLite and PostgreSQL both have row_number), so a long history is never read whole.
 */
export async function firstPerAsset<T extends { asset: { id: string } }>(
  em: EntityManager,
  entity: EntityName<T>,
  table: 'history_entries' | 'asset_versions',
  orderBy: string,
  assetIds: readonly string[],
  limit: number,
): Promise<T[][]> {
  const groups = new Map<string, T[]>(assetIds.map((id) => [id, []]));
  if (limit > 0 && assetIds.length > 0) {
    const placeholders = assetIds.map(() => '?').join(', ');
    const rows = await rawObjects(
      em,
      `select * from ${table} where id in (select id from (select id, row_number() over (partition by asset_id order by ${orderBy}) as position from ${table} where asset_id in (${placeholders})) ranked where position <= ?) order by asset_id, ${orderBy}`,
      [...assetIds, limit],
    );
    for (const row of rows) {
      const found = em.map(entity, row as EntityDictionary<T>);
      groups.get(found.asset.id)?.push(found);
    }
  }
  return assetIds.map((id) => groups.get(id) ?? []);
}
