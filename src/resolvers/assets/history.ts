import type { RequestContext } from '../../context.js';
import type { Asset } from '../../db/entities/Asset.js';
import { type HistoryAction, HistoryEntry } from '../../db/entities/HistoryEntry.js';
import { BadInput, NotFound } from '../../errors.js';
import { requireViewer } from '../policy/access.js';
import { findReadableAsset } from './assetLookups.js';

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
    user: ctx.viewer?.id ?? null,
    username: ctx.viewer?.username ?? null,
    versionNumber: asset.versionNumber,
    details,
  });
}

/** An asset's history, oldest first, for those who may read the asset; optionally only some actions (`actionOf`). */
export async function historyOf(
  ctx: RequestContext,
  assetId: string,
  actions?: readonly string[],
): Promise<{ asset: Asset; entries: HistoryEntry[] }> {
  const asset = await findReadableAsset(ctx, assetId);
  const entries = await ctx.loaders.historyByAssetId.load(asset.id);
  return { asset, entries: actions?.length ? entries.filter((entry) => actions.includes(actionOf(entry))) : entries };
}

/** What happened: a USAGE entry's is the client's own CUSTOM_ACTION_..., as WoodWing's history shows it. */
export function actionOf(entry: HistoryEntry): string {
  return entry.action === 'USAGE' ? String(entry.details?.action) : entry.action;
}

const CUSTOM_ACTION = /^CUSTOM_ACTION_[A-Za-z0-9_]{1,64}$/;
const MAX_USAGE_DETAILS = 20;
const MAX_USAGE_DETAIL_LENGTH = 1000;

/**
 * WoodWing's logUsage: a client says how an asset was used (its own CUSTOM_ACTION_..., with details of its
 * choosing), kept as a USAGE entry of the asset's history. Anyone who may see the asset may say so.
 */
export async function logUsage(
  ctx: RequestContext,
  assetId: string,
  action: string,
  details: Record<string, string> = {},
): Promise<void> {
  if (!CUSTOM_ACTION.test(action)) {
    throw new BadInput('action must be CUSTOM_ACTION_ and up to 64 letters, digits or _, e.g. CUSTOM_ACTION_PRINTED');
  }
  const entries = Object.entries(details);
  if (entries.length > MAX_USAGE_DETAILS || entries.some(([, value]) => value.length > MAX_USAGE_DETAIL_LENGTH)) {
    throw new BadInput(
      `At most ${MAX_USAGE_DETAILS} details of at most ${MAX_USAGE_DETAIL_LENGTH} characters each are logged`,
    );
  }
  requireViewer(ctx);
  const asset = await findReadableAsset(ctx, assetId);
  if (asset.deletedAt) throw new NotFound(`Asset ${assetId} is deleted`);
  recordHistory(ctx, asset, 'USAGE', { ...details, action });
  await ctx.em.flush();
}
