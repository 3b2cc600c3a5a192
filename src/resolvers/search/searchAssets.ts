import { raw } from '@mikro-orm/core';
import type { RequestContext } from '../../context.js';
import { Asset, type AssetView } from '../../db/entities/Asset.js';
import { AssetRelation } from '../../db/entities/AssetRelation.js';
import { isSqlite, preparedObjects, rawObjects, rawRows } from '../../db/rawRows.js';
import { BadInput } from '../../errors.js';
import { checkedFolderPath } from '../folders/paths.js';
import { checkedListSize } from '../listSizes.js';
import { requireViewer } from '../policy/access.js';
import { assetVisibility } from '../policy/visibility.js';
import { checkedFacetFields, type Facet, type FacetSelections, selectionCondition } from './facets.js';
import { parseQuery, type QueryNode } from './queryParser.js';
import {
  type CompiledQuery,
  compileQuery,
  hasWildcard,
  relationCondition,
  type SqlCondition,
  unknownFieldError,
} from './querySql.js';
import { type SearchDialect, searchDialectOf } from './searchDialect.js';
import { findHits, type Hits, NOT_DELETED, whereOf } from './searchHits.js';
import {
  afterKeyset,
  decodeKeysetCursor,
  decodeOffsetCursor,
  keysetCursor,
  offsetCursor,
  parseSort,
  type Sort,
  type SortProperty,
} from './sorting.js';

export interface AssetSearchArgs {
  /** The query language's text, or a query already parsed (see queryTerms for conditions to add to one). */
  query?: string | QueryNode | null;
  folderPath?: string | null;
  includeDeleted?: boolean | null;
  sort?: string | null;
  facets?: readonly string[] | null;
  facetSelections?: FacetSelections | null;
}

/** GraphQL pages by cursor; WoodWing's REST by offset (start, num). */
export type Paging = { first?: number | null; after?: string | null } | { offset: number; limit: number };

export interface AssetPage {
  assets: AssetView[];
  cursors: string[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  totalCount: number;
  facets: Facet[];
  /** For a query by relation: the relation that joins each hit to the asset it was asked about. */
  relations: Map<string, AssetRelation>;
}

const DEFAULT_PAGE_SIZE = 50;
const MAX_QUERY_LENGTH = 10_000;

/** Indexes that hold the assets in the order of a sort (its last tie broken by id). */
const ORDERED_INDEXES: Partial<Record<SortProperty, string>> = {
  createdAt: 'assets_created_at_id_index',
  modifiedAt: 'assets_modified_at_id_index',
};

/**
 * SQLite's planner picks the index of the most selective-looking condition and then sorts every hit, even
 * when half of all assets match and walking an index in sort order would find a page in the first hundred
 * rows. With the hit count known, walk in order when that reads fewer rows than sorting the hits would:
 * about `wanted * assets / hits` rows against `hits`.
 */
async function orderedScanHint(ctx: RequestContext, sort: Sort, hits: number, wanted: number): Promise<string | null> {
  if (sort.kind !== 'columns') return null;
  const [key, ...more] = sort.keys;
  const index = key && more.length === 0 ? ORDERED_INDEXES[key.property] : undefined;
  if (!index || hits === 0 || !isSqlite(ctx.em)) return null;
  const [[assets] = []] = await rawRows(ctx.em, 'select max(rowid) from assets');
  return (wanted * Number(assets ?? 0)) / hits < hits ? `indexed by ${index}` : null;
}

function parsed(query: string | QueryNode): QueryNode {
  if (typeof query !== 'string') return query;
  if (query.length > MAX_QUERY_LENGTH) throw new BadInput(`The query is longer than ${MAX_QUERY_LENGTH} characters`);
  return parseQuery(query);
}

async function compiled(ctx: RequestContext, query: QueryNode, dialect: SearchDialect): Promise<CompiledQuery> {
  const result = compileQuery(query, dialect);
  for (const name of new Set(result.metadataFields.map((field) => field.name))) {
    // One index probe per name; a DISTINCT over the field would read every value of it.
    const rows = await rawRows(ctx.em, 'select 1 from asset_field_values where field = ? limit 1', [name]);
    const unknown = rows.length === 0 && result.metadataFields.find((field) => field.name === name);
    if (unknown) throw unknownFieldError(unknown.name, unknown.position);
  }
  return result;
}

/**
 * The query parsed, once it is known to be one that searchAssets takes (its syntax, values and field names):
 * checked before an operation changes anything, and then searched as it is, without being read again.
 */
export async function checkedQuery(ctx: RequestContext, query: string): Promise<QueryNode> {
  const node = parsed(query);
  await compiled(ctx, node, searchDialectOf(ctx.em));
  return node;
}

function checkedPageSize(value: number | null | undefined): number {
  return checkedListSize(value, { what: 'The page size', fallback: DEFAULT_PAGE_SIZE });
}

async function relationsOfHits(ctx: RequestContext, query: CompiledQuery, hits: AssetView[]) {
  const relations = new Map<string, AssetRelation>();
  const filter = query.relation;
  if (!filter || hits.length === 0) return relations;
  const ids = hits.map((hit) => hit.id);
  const found = await ctx.em.find(AssetRelation, {
    $or: [
      { target1: filter.relatedTo, target2: { $in: ids } },
      { target2: filter.relatedTo, target1: { $in: ids } },
    ],
    ...(filter.type ? { relationType: filter.type } : {}),
  });
  for (const relation of found) {
    const hitId = relation.target1.id === filter.relatedTo ? relation.target2.id : relation.target1.id;
    relations.set(hitId, relation);
  }
  return relations;
}

type SqlQuery = { sql: string; params: readonly unknown[] };

/**
 * The assets of a page query, in its order: the query builder's SQL with its parameters bound (prepared
 * once on SQLite), each row then a plain view (a search changes nothing), or the entity the request holds.
 */
async function assetsInOrder(ctx: RequestContext, page: { toQuery(): SqlQuery }): Promise<AssetView[]> {
  const { sql, params } = page.toQuery();
  return (await rawObjects(ctx.em, sql, [...params])).map((row) => ctx.loaders.assetViewOfRow(row));
}

interface FacetRequest {
  fields: string[];
  selections: FacetSelections;
}

function facetRequestOf(args: AssetSearchArgs): FacetRequest {
  const fields = checkedFacetFields(args.facets ?? []);
  const selections = args.facetSelections ?? {};
  checkedFacetFields(Object.keys(selections));
  return { fields, selections };
}

/** What every hit meets (`base`), and `filters`: base and the facet selections. */
interface SearchConditions {
  base: SqlCondition[];
  filters: SqlCondition[];
}

function conditionsOf(
  args: AssetSearchArgs,
  query: CompiledQuery,
  visibility: SqlCondition | null,
  selections: FacetSelections,
): SearchConditions {
  const base: SqlCondition[] = [query.condition];
  if (!args.includeDeleted) base.push(NOT_DELETED);
  if (args.folderPath != null) base.push({ sql: 'a.folder_path = ?', params: [checkedFolderPath(args.folderPath)] });
  if (query.relation) base.push(relationCondition(query.relation));
  if (visibility) base.push(visibility);
  const filters = [...base, ...Object.entries(selections).map(([field, values]) => selectionCondition(field, values))];
  return { base, filters };
}

/** Which rows a page reads: `limit` of them after `offset`, or after the keyset cursor's row. */
interface PageWindow {
  limit: number;
  offset: number;
  /** The sort a cursor pages by keyset in; null when paging by offset. */
  keyset: (Sort & { kind: 'columns' }) | null;
  /** The condition that starts the page after the keyset cursor's row. */
  afterCursor: Record<string, unknown> | null;
  /** A cursor was given: the page is after another. */
  hasCursor: boolean;
}

function pageWindowOf(paging: Paging, sort: Sort): PageWindow {
  if ('offset' in paging) {
    return {
      limit: checkedPageSize(paging.limit),
      offset: paging.offset,
      keyset: null,
      afterCursor: null,
      hasCursor: false,
    };
  }
  const limit = checkedPageSize(paging.first);
  const keyset = sort.kind === 'columns' ? sort : null;
  const hasCursor = Boolean(paging.after);
  if (paging.after && keyset) {
    const afterCursor = afterKeyset(keyset.keys, decodeKeysetCursor(paging.after, keyset.keys));
    return { limit, offset: 0, keyset, afterCursor, hasCursor };
  }
  const offset = paging.after ? decodeOffsetCursor(paging.after) : 0;
  return { limit, offset, keyset, afterCursor: null, hasCursor };
}

/** Relevance first when sorted by it, then the sort's columns (newest first for relevance), then the id. */
function orderOf(sort: Sort, query: CompiledQuery) {
  const relevance = sort.kind === 'relevance' ? query.relevance : null;
  const columns = sort.kind === 'columns' ? sort : (parseSort(null) as Sort & { kind: 'columns' });
  return [
    ...(relevance ? [{ [raw(relevance.sql, relevance.params)]: 'asc' }] : []),
    ...columns.keys.map((key) => ({ [key.property]: key.descending ? 'desc' : 'asc' })),
    { id: (columns.keys.at(-1)?.descending ?? false) ? 'desc' : 'asc' },
  ] as never;
}

/** `id:<id>`, one exact id: its hit list holds at most one asset. */
function isOneIdQuery(query: QueryNode): boolean {
  return query.kind === 'term' && query.field === 'id' && !hasWildcard(query.value);
}

const isPlainValue = (value: unknown) => typeof value === 'string' || typeof value === 'number';

/**
 * The hits of a query that can match at most one asset, read in one statement with every condition of
 * the search (deletion, folder, visibility): the count is the list's length, and there is nothing to sort.
 */
async function atMostOneHit(ctx: RequestContext, filters: SqlCondition[]): Promise<AssetView[]> {
  const where = whereOf(filters);
  const sql = `select a.* from assets a where ${where.sql}`;
  // Its text depends on who asks and the filters, not on the values: prepared on PostgreSQL when they are plain.
  const rows = where.params.every(isPlainValue)
    ? await preparedObjects(ctx.reader, sql, where.params as (string | number)[])
    : await rawObjects(ctx.reader, sql, where.params);
  return rows.map((row) => ctx.loaders.assetViewOfRow(row));
}

/** The page's query: the hits by rowid when listed, else by their conditions; one row more than the page. */
function pageQuery(
  ctx: RequestContext,
  dialect: SearchDialect,
  hits: Hits,
  filters: SqlCondition[],
  order: { sort: Sort; query: CompiledQuery },
  window: PageWindow,
) {
  const page = ctx.em.createQueryBuilder(Asset, 'a').select('a.*');
  const { sql: where, params } = hits.rowids ? dialect.rowidIn(JSON.stringify(hits.rowids)) : whereOf(filters);
  page.andWhere(where, params);
  if (window.afterCursor) page.andWhere(window.afterCursor);
  page.orderBy(orderOf(order.sort, order.query));
  page.limit(window.limit + 1, window.offset);
  return page;
}

/**
 * One search for every surface: the query language (as text or parsed), folder and deletion filters, who
 * may see what, facets with their selections, sorting, and paging by keyset cursor (stable while assets are
 * added) or by offset. Everything the client sends reaches SQL as bound parameters.
 */
export async function searchAssets(ctx: RequestContext, args: AssetSearchArgs, paging: Paging): Promise<AssetPage> {
  const viewer = requireViewer(ctx);
  const sort = parseSort(args.sort);
  const dialect = searchDialectOf(ctx.reader);
  const node = parsed(args.query ?? '');
  const query = await compiled(ctx, node, dialect);
  const facets = facetRequestOf(args);
  const { base, filters } = conditionsOf(args, query, assetVisibility.sqlCondition(viewer, dialect), facets.selections);
  const window = pageWindowOf(paging, sort);

  let hits: Hits;
  let rows: AssetView[];
  if (isOneIdQuery(node) && facets.fields.length === 0 && !window.afterCursor) {
    const found = await atMostOneHit(ctx, filters);
    hits = { count: found.length, rowids: null, facets: [] };
    rows = found.slice(window.offset, window.offset + window.limit + 1);
  } else {
    hits = await findHits(ctx, base, filters, facets.fields, facets.selections);
    const page = pageQuery(ctx, dialect, hits, filters, { sort, query }, window);
    const hint = await orderedScanHint(ctx, sort, hits.count, window.offset + window.limit + 1);
    if (hint) page.indexHint(hint);
    rows = hits.count > window.offset ? await assetsInOrder(ctx, page) : [];
  }
  const assets = rows.slice(0, window.limit);
  for (const asset of assets) ctx.loaders.assetViewById.prime(asset.id, asset);
  let cursors: string[] | undefined;
  return {
    assets,
    // Made when asked for: the legacy surfaces page by offset and never do.
    get cursors() {
      cursors ??= assets.map((asset, index) =>
        window.keyset ? keysetCursor(asset, window.keyset.keys) : offsetCursor(window.offset + index + 1),
      );
      return cursors;
    },
    hasNextPage: rows.length > window.limit,
    hasPreviousPage: window.offset > 0 || window.hasCursor,
    totalCount: hits.count,
    facets: hits.facets,
    relations: await relationsOfHits(ctx, query, assets),
  };
}
