import type { SqlEntityManager as EntityManager } from '@mikro-orm/sql';
import DataLoader from 'dataloader';
import { Asset } from '../db/entities/Asset.js';
import { AssetVersion } from '../db/entities/AssetVersion.js';
import { HistoryEntry } from '../db/entities/HistoryEntry.js';
import { User } from '../db/entities/User.js';
import { entitiesById, heldEntity } from '../db/rowsById.js';

/** Batches the look-ups that a page of assets repeats per asset, so a page costs a fixed number of queries. */
export interface Loaders {
  userById: DataLoader<string, User | null>;
  assetById: DataLoader<string, Asset | null>;
  versionsByAssetId: DataLoader<string, AssetVersion[]>;
  historyByAssetId: DataLoader<string, HistoryEntry[]>;
}

function byId<T extends { id: string }>(rows: T[], ids: readonly string[]): (T | null)[] {
  const found = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => found.get(id) ?? null);
}

function groupedByAsset<T extends { asset: { id: string } }>(rows: T[], assetIds: readonly string[]): T[][] {
  const groups = new Map<string, T[]>(assetIds.map((id) => [id, []]));
  for (const row of rows) groups.get(row.asset.id)?.push(row);
  return assetIds.map((id) => groups.get(id) ?? []);
}

/**
 * Users by id as `em.findOne` reads them: a user this request already holds in full (the viewer, above all)
 * is taken as it is, without a query; the others are read in one.
 */
async function usersById(em: EntityManager, ids: readonly string[]): Promise<(User | null)[]> {
  const held = ids.map((id) => heldEntity(em, User, id));
  const missing = ids.filter((_, index) => held[index] === null);
  if (missing.length === 0) return held;
  const read = byId(await entitiesById(em, User, 'users', missing), missing);
  let next = 0;
  return held.map((user) => user ?? read[next++] ?? null);
}

export function createLoaders(em: EntityManager): Loaders {
  return {
    userById: new DataLoader((ids) => usersById(em, ids)),
    assetById: new DataLoader(async (ids) => byId(await entitiesById(em, Asset, 'assets', ids), ids)),
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
