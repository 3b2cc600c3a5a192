import type { FilterQuery } from '@mikro-orm/core';
import type { RequestContext } from '../../context.js';
import type { Asset } from '../../db/entities/Asset.js';
import { HISTORY_ACTIONS, type HistoryAction, HistoryEntry } from '../../db/entities/HistoryEntry.js';
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

/**
 * A page of an asset's history, oldest first, and how many entries match in all: counted and cut by the
 * database, since clients may log usage without end. `actions`, if any, keeps only those (see actionOf).
 */
export async function historyPage(
  ctx: RequestContext,
  assetId: string,
  { actions, offset, limit }: { actions?: readonly string[] | undefined; offset: number; limit: number },
): Promise<{ asset: Asset; entries: HistoryEntry[]; total: number }> {
  const asset = await findReadableAsset(ctx, assetId);
  const where: FilterQuery<HistoryEntry> = actions?.length
    ? { $and: [{ asset: asset.id }, actionsFilter(actions)] }
    : { asset: asset.id };
  const [entries, total] = await ctx.em.findAndCount(HistoryEntry, where, { orderBy: { id: 'asc' }, offset, limit });
  return { asset, entries, total };
}

/** The entries whose `actionOf` is one of `actions`. */
function actionsFilter(actions: readonly string[]): FilterQuery<HistoryEntry> {
  const recorded = actions.filter(
    (action): action is HistoryAction => action !== 'USAGE' && (HISTORY_ACTIONS as readonly string[]).includes(action),
  );
  const custom = actions.filter((action) => CUSTOM_ACTION.test(action));
  return { $or: [{ action: { $in: recorded } }, { action: 'USAGE', details: { action: { $in: custom } } }] };
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
