import { type EntityDictionary, raw, wrap } from '@mikro-orm/core';
import type { RequestContext } from '../../context.js';
import { Asset } from '../../db/entities/Asset.js';
import { AssetRelation } from '../../db/entities/AssetRelation.js';
import { isSqlite, rawColumn, rawObjects, rawRows } from '../../db/rawRows.js';
import { BadInput } from '../../errors.js';
import { checkedFolderPath } from '../folders/paths.js';
import { requireViewer } from '../policy/access.js';
import { assetVisibility } from '../policy/visibility.js';
import { checkedFacetFields, countFacets, type Facet, type FacetSelections, selectionCondition } from './facets.js';
import { parseQuery } from './queryParser.js';
import {
  type CompiledQuery,
  compileQuery,
  relationCondition,
  type SqlCondition,
  unknownFieldError,
} from './querySql.js';
import { type SearchDialect, searchDialectOf } from './searchDialect.js';
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
  query?: string | null;
  folderPath?: string | null;
  includeDeleted?: boolean | null;
  sort?: string | null;
  facets?: readonly string[] | null;
  facetSelections?: FacetSelections | null;
}

/** GraphQL pages by cursor; WoodWing's REST by offset (start, num). */
export type Paging = { first?: number | null; after?: string | null } | { offset: number; limit: number };

export interface AssetPage {
  assets: Asset[];
  cursors: string[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  totalCount: number;
  facets: Facet[];
  /** For a query by relation: the relation that joins each hit to the asset it was asked about. */
  relations: Map<string, AssetRelation>;
}

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 500;
const MAX_QUERY_LENGTH = 10_000;

function whereOf(conditions: SqlCondition[]): SqlCondition {
  return {
    sql: conditions.map((condition) => `(${condition.sql})`).join(' and ') || '1 = 1',
    params: conditions.flatMap((condition) => condition.params),
  };
}

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
async function orderedScanHint(
  ctx: RequestContext,
  sort: Sort & { kind: 'columns' },
  hits: number,
  wanted: number,
): Promise<string | null> {
  const [key, ...more] = sort.keys;
  const index = key && more.length === 0 ? ORDERED_INDEXES[key.property] : undefined;
  if (!index || hits === 0 || !isSqlite(ctx.em)) return null;
  const [[assets] = []] = await rawRows(ctx.em, 'select max(rowid) from assets');
  return (wanted * Number(assets ?? 0)) / hits < hits ? `indexed by ${index}` : null;
}

async function compiled(ctx: RequestContext, query: string, dialect: SearchDialect): Promise<CompiledQuery> {
  if (query.length > MAX_QUERY_LENGTH) throw new BadInput(`The query is longer than ${MAX_QUERY_LENGTH} characters`);
  const result = compileQuery(parseQuery(query), dialect);
  for (const name of new Set(result.metadataFields.map((field) => field.name))) {
    // One index probe per name; a DISTINCT over the field would read every value of it.
    const rows = await rawRows(ctx.em, 'select 1 from asset_field_values where field = ? limit 1', [name]);
    const unknown = rows.length === 0 && result.metadataFields.find((field) => field.name === name);
    if (unknown) throw unknownFieldError(unknown.name, unknown.position);
  }
  return result;
}

function checkedPageSize(value: number | null | undefined): number {
  const size = value ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) {
    throw new BadInput(`The page size must be a whole number from 0 to ${MAX_PAGE_SIZE}, got ${size}`);
  }
  return size;
}

async function relationsOfHits(ctx: RequestContext, query: CompiledQuery, hits: Asset[]) {
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

/** Leaves deleted assets out; a search without includeDeleted has it among its conditions. */
const NOT_DELETED: SqlCondition = { sql: 'a.deleted_at is null', params: [] };

/**
 * The hit rowids without a look at the assets table, when the query is one list of rowids (its metadata
 * terms, or its free text) and nothing narrows it but deletion, which the small index of deleted assets
 * answers. Each hit listed would otherwise be looked up in the assets table for its deleted_at.
 */
function listedOnly(conditions: SqlCondition[]): SqlCondition | null {
  const [query, ...rest] = conditions;
  if (!query?.hits || rest.some((condition) => condition !== NOT_DELETED)) return null;
  const live = rest.length > 0 ? ' where h.hit not in (select rowid from assets where deleted_at is not null)' : '';
  return { sql: `select distinct h.hit from (${query.hits.sql}) h${live}`, params: query.hits.params };
}

function hitsSelect(conditions: SqlCondition[]): SqlCondition {
  const listed = listedOnly(conditions);
  if (listed) return listed;
  const where = whereOf(conditions);
  return { sql: `select a.rowid from assets a where ${where.sql}`, params: where.params };
}

async function rowidsWhere(ctx: RequestContext, conditions: SqlCondition[], limit?: number): Promise<number[]> {
  const hits = hitsSelect(conditions);
  const limited = limit === undefined ? '' : ` limit ${limit}`;
  const rowids = await rawColumn(ctx.em, `${hits.sql}${limited}`, hits.params);
  // SQLite's are numbers already; PostgreSQL's bigints come as text.
  return typeof rowids[0] === 'number' ? (rowids as number[]) : rowids.map(Number);
}

/** Each hit is listed once (conditions are subqueries or column tests, no joins), so count(*) counts hits. */
async function countWhere(ctx: RequestContext, conditions: SqlCondition[]): Promise<number> {
  // SQLite flattens the subquery: a count over a covering index stays one.
  const hits = hitsSelect(conditions);
  const [[count] = []] = await rawRows(ctx.em, `select count(*) from (${hits.sql}) hits`, hits.params);
  return Number(count);
}

/**
 * A hit list no longer than this is read whole, once: its length is the total, and the page is then read
 * by rowid from it, instead of testing every condition again on each asset the page query looks at.
 */
const LISTED_HITS = 5_000;

interface Hits {
  count: number;
  /** Every hit's rowid, when there are at most LISTED_HITS. */
  rowids: number[] | null;
  facets: Facet[];
}

const listedIfFew = (rowids: number[]) => (rowids.length <= LISTED_HITS ? rowids : null);

async function countedHits(ctx: RequestContext, filters: SqlCondition[]): Promise<Omit<Hits, 'facets'>> {
  const listed = await rowidsWhere(ctx, filters, LISTED_HITS + 1);
  if (listed.length <= LISTED_HITS) return { count: listed.length, rowids: listed };
  return { count: await countWhere(ctx, filters), rowids: null };
}

/** The hits of `filters`; facets count the hits of `base`, which leaves the facet selections out. */
async function findHits(
  ctx: RequestContext,
  base: SqlCondition[],
  filters: SqlCondition[],
  facetFields: string[],
  selections: FacetSelections,
): Promise<Hits> {
  if (facetFields.length === 0) return { ...(await countedHits(ctx, filters)), facets: [] };
  const unselected = await rowidsWhere(ctx, base);
  const facets = await countFacets(ctx, facetFields, unselected, selections);
  const anySelected = Object.values(selections).some((values) => values.length > 0);
  if (anySelected) return { ...(await countedHits(ctx, filters)), facets };
  return { count: unselected.length, rowids: listedIfFew(unselected), facets };
}

type SqlQuery = { sql: string; params: readonly unknown[] };

/**
 * The assets of a page query, in its order: the query builder's SQL with its parameters bound (prepared
 * once on SQLite), each row then made a managed entity as a find would make it.
 */
async function assetsInOrder(ctx: RequestContext, page: { toQuery(): SqlQuery }): Promise<Asset[]> {
  const { sql, params } = page.toQuery();
  const rows = await rawObjects(ctx.em, sql, [...params]);
  const unitOfWork = ctx.em.getUnitOfWork();
  return rows.map((row) => {
    // An asset this request already holds is kept as it is (with any change not yet flushed), as a find
    // keeps it; a mere reference to one is filled in.
    const held = unitOfWork.getById<Asset>(Asset, String(row.id));
    return held && wrap(held).isInitialized() ? held : ctx.em.map(Asset, row as EntityDictionary<Asset>);
  });
}

/**
 * One search for every surface: the query language, folder and deletion filters, who may see what,
 * facets with their selections, sorting, and paging by keyset cursor (stable while assets are added) or
 * by offset. Everything the client sends reaches SQL as bound parameters.
 */
export async function searchAssets(ctx: RequestContext, args: AssetSearchArgs, paging: Paging): Promise<AssetPage> {
  const viewer = requireViewer(ctx);
  const sort = parseSort(args.sort);
  const dialect = searchDialectOf(ctx.em);
  const query = await compiled(ctx, args.query ?? '', dialect);
  const facetFields = checkedFacetFields(args.facets ?? []);
  const selections = args.facetSelections ?? {};
  checkedFacetFields(Object.keys(selections));

  const base: SqlCondition[] = [query.condition];
  if (!args.includeDeleted) base.push(NOT_DELETED);
  if (args.folderPath != null) base.push({ sql: 'a.folder_path = ?', params: [checkedFolderPath(args.folderPath)] });
  if (query.relation) base.push(relationCondition(query.relation));
  const visibility = assetVisibility.sqlCondition(viewer, dialect);
  if (visibility) base.push(visibility);
  const filters = [...base, ...Object.entries(selections).map(([field, values]) => selectionCondition(field, values))];

  const hits = await findHits(ctx, base, filters, facetFields, selections);

  const page = ctx.em.createQueryBuilder(Asset, 'a').select('a.*');
  const { sql: where, params } = hits.rowids ? dialect.rowidIn(JSON.stringify(hits.rowids)) : whereOf(filters);
  page.andWhere(where, params);

  const relevance = sort.kind === 'relevance' ? query.relevance : null;
  const keyset = sort.kind === 'columns' && !('offset' in paging) ? sort : null;
  let limit: number;
  let offset = 0;
  if ('offset' in paging) {
    limit = checkedPageSize(paging.limit);
    offset = paging.offset;
  } else {
    limit = checkedPageSize(paging.first);
    if (paging.after && keyset) page.andWhere(afterKeyset(keyset.keys, decodeKeysetCursor(paging.after, keyset.keys)));
    else if (paging.after) offset = decodeOffsetCursor(paging.after);
  }
  const columns = sort.kind === 'columns' ? sort : (parseSort(null) as Sort & { kind: 'columns' });
  page.orderBy([
    ...(relevance ? [{ [raw(relevance.sql, relevance.params)]: 'asc' }] : []),
    ...columns.keys.map((key) => ({ [key.property]: key.descending ? 'desc' : 'asc' })),
    { id: (columns.keys.at(-1)?.descending ?? false) ? 'desc' : 'asc' },
  ] as never);
  page.limit(limit + 1, offset);

  const hint = sort.kind === 'columns' ? await orderedScanHint(ctx, sort, hits.count, offset + limit + 1) : null;
  if (hint) page.indexHint(hint);
  const rows = hits.count > offset ? await assetsInOrder(ctx, page) : [];
  const assets = rows.slice(0, limit);
  for (const asset of assets) ctx.loaders.assetById.prime(asset.id, asset);
  return {
    assets,
    cursors: assets.map((asset, index) =>
      keyset ? keysetCursor(asset, keyset.keys) : offsetCursor(offset + index + 1),
    ),
    hasNextPage: rows.length > limit,
    hasPreviousPage: offset > 0 || Boolean(!('offset' in paging) && paging.after),
    totalCount: hits.count,
    facets: hits.facets,
    relations: await relationsOfHits(ctx, query, assets),
  };
}
