import { setImmediate } from 'node:timers/promises';
import type { RequestContext } from '../../context.js';
import type { QueryNode } from '../search/queryParser.js';
import { searchAssets } from '../search/searchAssets.js';

/** WoodWing returns no hits past 10,000, and a bulk operation by query takes no more than that either. */
export const MAX_QUERY_HITS = 10_000;
const PAGE = 500;

/**
 * The ids of the assets the query finds, as the viewer sees them, read whole before any is changed: paging
 * by offset over a set that the operation itself changes would skip some.
 */
export async function idsMatching(ctx: RequestContext, query: QueryNode): Promise<string[]> {
  return (await assetsMatching(ctx, query)).map((asset) => asset.id);
}

/** Where each asset the query finds is, read as idsMatching reads them. */
export async function assetsMatching(ctx: RequestContext, query: QueryNode): Promise<AssetPlace[]> {
  const found: AssetPlace[] = [];
  for (let offset = 0; offset < MAX_QUERY_HITS; offset += PAGE) {
    await setImmediate();
    const page = await searchAssets(ctx, { query }, { offset, limit: PAGE });
    found.push(...page.assets.map(({ id, folderPath, name }) => ({ id, folderPath, name })));
    if (!page.hasNextPage) break;
  }
  return found;
}

export interface AssetPlace {
  id: string;
  folderPath: string;
  name: string;
}
