import type { RequestContext } from '../context.js';
import type { Asset } from '../db/entities/Asset.js';
import { type HistoryAction, HistoryEntry } from '../db/entities/HistoryEntry.js';

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
