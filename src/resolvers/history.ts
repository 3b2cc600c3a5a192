import type { RequestContext } from '../context.js';
import type { Asset } from '../db/entities/Asset.js';
import { type HistoryAction, HistoryEntry } from '../db/entities/HistoryEntry.js';
import { findReadableAsset } from './assets.js';

/** Adds a history entry to the unit of work; the caller's flush writes it with the change it records. */
export function recordHistory(
  ctx: RequestContext,
  asset: Asset,
  action: HistoryAction,
  details: Record<string, unknown> | null = null,
): void {
  ctx.em.create(HistoryEntry, {
    asset,
    action,
    user: ctx.viewer,
    username: ctx.viewer?.username ?? null,
    versionNumber: asset.versionNumber,
    details,
  });
}

/** An asset's history, oldest first, for those who may read the asset; optionally only some actions. */
export async function historyOf(
  ctx: RequestContext,
  assetId: string,
  actions?: readonly string[],
): Promise<{ asset: Asset; entries: HistoryEntry[] }> {
  const asset = await findReadableAsset(ctx, assetId);
  const entries = await ctx.loaders.historyByAssetId.load(asset.id);
  return { asset, entries: actions?.length ? entries.filter((entry) => actions.includes(entry.action)) : entries };
}
