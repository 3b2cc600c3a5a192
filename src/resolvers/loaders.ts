import type { SqlEntityManager as EntityManager } from '@mikro-orm/sql';
import DataLoader from 'dataloader';
import { Asset } from '../db/entities/Asset.js';
import { AssetVersion } from '../db/entities/AssetVersion.js';
import { HistoryEntry } from '../db/entities/HistoryEntry.js';
import { User } from '../db/entities/User.js';
import { entitiesById } from '../db/rowsById.js';

/** Batches the look-ups that a page of assets repeats per asset, so a page costs a fixed number of queries. */
export interface Loaders {
  userById: DataLoader<string, User | null>;
  assetById: DataLoader<string, Asset | null>;
  versionsByAssetId: DataLoader<string, AssetVersion[]>;
  historyByAssetId: DataLoader<string, HistoryEntry[]>;
}

function groupedByAsset<T extends { asset: { id: string } }>(rows: T[], assetIds: readonly string[]): T[][] {
  const groups = new Map<string, T[]>(assetIds.map((id) => [id, []]));
  for (const row of rows) groups.get(row.asset.id)?.push(row);
  return assetIds.map((id) => groups.get(id) ?? []);
}

export function createLoaders(em: EntityManager): Loaders {
  return {
    userById: new DataLoader((ids) => entitiesById(em, User, 'users', ids)),
    assetById: new DataLoader((ids) => entitiesById(em, Asset, 'assets', ids)),
    versionsByAssetId: new DataLoader(async (ids) =>
      groupedByAsset(
        await em.find(AssetVersion, { asset: { $in: [...ids] } }, { orderBy: { versionNumber: 'asc' } }),
        ids,
      ),
    ),
    historyByAssetId: new DataLoader(async (ids) =>
      groupedByAsset(await em.find(HistoryEntry, { asset: { $in: [...ids] } }, { orderBy: { id: 'asc' } }), ids),
    ),
  };
}
