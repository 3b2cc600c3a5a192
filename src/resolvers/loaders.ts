import type { EntityName, FilterQuery, OrderDefinition } from '@mikro-orm/core';
import type { SqlEntityManager as EntityManager } from '@mikro-orm/sql';
import DataLoader from 'dataloader';
import { Asset, type AssetView } from '../db/entities/Asset.js';
import { AssetVersion } from '../db/entities/AssetVersion.js';
import { HistoryEntry } from '../db/entities/HistoryEntry.js';
import { User, type UserView } from '../db/entities/User.js';
import { assetView, entitiesById, heldEntity, userView, viewsById } from '../db/rowsById.js';

/** Batches the look-ups that a page of assets repeats per asset, so a page costs a fixed number of queries. */
export interface Loaders {
  /** Users are only read through a request: plain views. */
  userById: DataLoader<string, UserView | null>;
  /** Assets as entities, for what may change them. */
  assetById: DataLoader<string, Asset | null>;
  /** Assets for answers that change nothing: plain views, unless the request holds the entity already. */
  assetViewById: DataLoader<string, AssetView | null>;
  /** An assets row another query read, as `assetViewById` would give it. */
  assetViewOfRow(row: Record<string, unknown>): AssetView;
  versionsByAssetId: DataLoader<string, AssetVersion[]>;
  historyByAssetId: DataLoader<string, HistoryEntry[]>;
}

function groupedByAsset<T extends { asset: { id: string } }>(rows: T[], assetIds: readonly string[]): T[][] {
  const groups = new Map<string, T[]>(assetIds.map((id) => [id, []]));
  for (const row of rows) groups.get(row.asset.id)?.push(row);
  return assetIds.map((id) => groups.get(id) ?? []);
}

/**
 * Where loaders read: `em()` is the request's fork (made when first asked for), `forked()` that fork if it
 * was made, `reader` an EntityManager for plain reads that touch no identity map.
 */
export interface LoaderSource {
  em(): EntityManager;
  forked(): EntityManager | undefined;
  reader: EntityManager;
}

/** Each loader is made when first used: a request answered from one or two of them makes no others. */
class RequestLoaders implements Loaders {
  private users?: Loaders['userById'];
  private assets?: Loaders['assetById'];
  private assetViews?: Loaders['assetViewById'];
  private versions?: Loaders['versionsByAssetId'];
  private history?: Loaders['historyByAssetId'];

  constructor(private readonly source: LoaderSource) {}

  get userById() {
    const { source } = this;
    this.users ??= new DataLoader((ids) => viewsById(source.reader, source.forked(), User, 'users', ids, userView));
    return this.users;
  }

  get assetById() {
    this.assets ??= new DataLoader((ids) => entitiesById(this.source.em(), Asset, 'assets', ids));
    return this.assets;
  }

  get assetViewById() {
    const { source } = this;
    this.assetViews ??= new DataLoader((ids) =>
      viewsById(source.reader, source.forked(), Asset, 'assets', ids, assetView),
    );
    return this.assetViews;
  }

  assetViewOfRow(row: Record<string, unknown>): AssetView {
    const held = this.source.forked();
    return (held && heldEntity(held, Asset, String(row.id))) || assetView(this.source.reader, row);
  }

  get versionsByAssetId() {
    this.versions ??= this.rowsPerAsset(AssetVersion, { versionNumber: 'asc' });
    return this.versions;
  }

  get historyByAssetId() {
    this.history ??= this.rowsPerAsset(HistoryEntry, { id: 'asc' });
    return this.history;
  }

  /** The rows of `entity` of each asset asked for, in `orderBy`'s order. */
  private rowsPerAsset<T extends { asset: { id: string } }>(entity: EntityName<T>, orderBy: OrderDefinition<T>) {
    return new DataLoader<string, T[]>(async (ids) =>
      groupedByAsset(
        await this.source.em().find(entity, { asset: { $in: [...ids] } } as FilterQuery<T>, { orderBy }),
        ids,
      ),
    );
  }
}

export function createLoaders(from: EntityManager | LoaderSource): Loaders {
  return new RequestLoaders('reader' in from ? from : { em: () => from, forked: () => from, reader: from });
}
