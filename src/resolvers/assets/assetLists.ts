import type { RequestContext } from '../../context.js';
import { AssetVersion } from '../../db/entities/AssetVersion.js';
import { HistoryEntry } from '../../db/entities/HistoryEntry.js';
import { firstPerAsset } from '../../db/firstPerAsset.js';

/** The first `first` versions of each asset, by number (a batch of GraphQL's Asset.versions). */
export function firstVersionsOf(ctx: RequestContext, assetIds: readonly string[], first: number) {
  return firstPerAsset(ctx.em, AssetVersion, 'asset_versions', 'version_number', assetIds, first);
}

/** The first `first` history entries of each asset, oldest first (a batch of GraphQL's Asset.history). */
export function firstHistoryOf(ctx: RequestContext, assetIds: readonly string[], first: number) {
  return firstPerAsset(ctx.em, HistoryEntry, 'history_entries', 'id', assetIds, first);
}
