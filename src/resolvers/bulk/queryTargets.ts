import { setImmediate } from 'node:timers/promises';
import type { RequestContext } from '../../context.js';
import { searchAssets } from '../search/searchAssets.js';

/** WoodWing returns no hits past 10,000, and a bulk operation by query takes no more than that either. */
export const MAX_QUERY_HITS = 10_000;
const PAGE = 500;

/** Throws BAD_USER_INPUT for a query that does not parse or names an unknown field; counts nothing. */
export async function assertValidQuery(ctx: RequestContext, query: string): Promise<void> {
  await searchAssets(ctx, { query }, { offset: 0, limit: 0 });
}

/**
 * The ids of the assets the query finds, as the viewer sees them, read whole before any is changed: paging
 * by offset over a set that the operation itself changes would skip some.
 */
export async function idsMatching(ctx: RequestContext, query: string): Promise<string[]> {
  return (await assetsMatching(ctx, query)).map((asset) => asset.id);
}

/** Where each asset the query finds is, read as idsMatching reads them. */
export async function assetsMatching(ctx: RequestContext, query: string): Promise<AssetPlace[]> {
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

/** A value as a quoted phrase of the query language, which takes it literally. */
export function quotedTerm(field: string, value: string): string {
  return `${field}:"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/**
 * `query` AND the given terms. The query must parse on its own (assertValidQuery), so its brackets and quotes
 * are balanced and the parentheses keep it whole.
 */
export function narrowed(query: string, ...terms: string[]): string {
  return [...(query.trim() ? [`(${query})`] : []), ...terms].join(' AND ');
}
