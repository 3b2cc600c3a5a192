import type { RequestContext } from '../../context.js';
import type { AssetView } from '../../db/entities/Asset.js';
import { BadInput } from '../../errors.js';
import { parseQuery, type QueryNode } from './queryParser.js';
import { allOf, anyOf, fieldIs } from './queryTerms.js';
import { type AssetSearchArgs, searchAssets } from './searchAssets.js';

const PAGE_SIZE = 500;
/** A folder path (at most 2048 characters), a slash and a name (at most 512). */
const MAX_ASSET_PATH_LENGTH = 2048 + 1 + 512;

/** Which assets a report covers: a query, a list of ids, a folder or asset path; those given must all hold. */
export interface ReportSelection {
  query?: string | undefined;
  assetIds?: readonly string[] | undefined;
  assetPath?: string | undefined;
}

/** The selection as one query: `assetPath` is the asset at that path or everything in the folder and below. */
export function reportQuery(selection: ReportSelection): QueryNode {
  const conditions: QueryNode[] = [];
  if (selection.query !== undefined) conditions.push(parseQuery(selection.query));
  if (selection.assetIds) conditions.push(anyOf(selection.assetIds.map((id) => fieldIs('id', id))));
  if (selection.assetPath !== undefined) {
    const path = selection.assetPath;
    // Compared in SQL (LIKE for the folders below): a longer text can be no asset's path, and SQLite
    // refuses LIKE patterns past 50,000 bytes.
    if (path.length > MAX_ASSET_PATH_LENGTH) {
      throw new BadInput(`assetPath is at most ${MAX_ASSET_PATH_LENGTH} characters: a folder path and a name`);
    }
    conditions.push(anyOf([fieldIs('assetPath', path), fieldIs('ancestorPaths', path)]));
  }
  const [only, ...more] = conditions;
  if (!only) throw new BadInput('Say which assets to report on: q, assetIds or assetPath');
  return more.length ? allOf(only, ...more) : only;
}

/**
 * Every hit of a search, a page at a time, from searchAssets with its rules (visibility, deletion): paged by
 * keyset cursor, so that assets added meanwhile neither repeat a hit nor push one out. The first page is
 * read before anything is yielded, so a query that cannot be searched fails before a caller starts answering.
 */
export async function* pagesOfHits(ctx: RequestContext, args: AssetSearchArgs): AsyncGenerator<AssetView[]> {
  let after: string | null = null;
  for (;;) {
    const page = await searchAssets(ctx, args, { first: PAGE_SIZE, after });
    yield page.assets;
    const last = page.cursors.at(-1);
    if (!page.hasNextPage || !last) return;
    after = last;
  }
}
