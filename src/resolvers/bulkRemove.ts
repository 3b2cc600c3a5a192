import type { RequestContext } from '../context.js';
import { BadInput, DomainError } from '../errors.js';
import { requireViewer } from './access.js';
import { deleteAsset } from './assets.js';
import { removeFolder } from './folderContents.js';
import { searchAssets } from './search/searchAssets.js';

export interface RemoveTarget {
  query?: string | undefined;
  ids?: string[] | undefined;
  folderPath?: string | undefined;
}

export interface BulkResult {
  processedCount: number;
  errorCount: number;
}

/** WoodWing returns no hits past 10,000, and a remove by query takes no more than that either. */
const MAX_QUERY_HITS = 10_000;
const PAGE = 500;

async function removeEach(ctx: RequestContext, ids: string[]): Promise<BulkResult> {
  const result = { processedCount: 0, errorCount: 0 };
  for (const id of ids) {
    try {
      await deleteAsset(ctx, id);
      result.processedCount++;
    } catch (error) {
      // An asset that may not be removed counts as an error; the others are removed all the same.
      if (!(error instanceof DomainError)) throw error;
      result.errorCount++;
    }
  }
  return result;
}

/**
 * WoodWing's remove: by query, else by ids, else by folder (the first of them given is used); soft, so every
 * removed asset can be restored.
 */
export async function removeAssets(ctx: RequestContext, target: RemoveTarget): Promise<BulkResult> {
  requireViewer(ctx);
  if (target.query !== undefined) {
    const ids: string[] = [];
    for (let offset = 0; offset < MAX_QUERY_HITS; offset += PAGE) {
      const page = await searchAssets(ctx, { query: target.query }, { offset, limit: PAGE });
      ids.push(...page.assets.map((asset) => asset.id));
      if (!page.hasNextPage) break;
    }
    return removeEach(ctx, ids);
  }
  if (target.ids) return removeEach(ctx, target.ids);
  if (target.folderPath) return { processedCount: await removeFolder(ctx, target.folderPath), errorCount: 0 };
  throw new BadInput('Say what to remove: q (a query), ids (comma-separated) or folderPath');
}
