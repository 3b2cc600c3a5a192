import type { RequestContext } from '../../context.js';
import { rawColumn, rawRows } from '../../db/rawRows.js';
import { countFacets, type Facet, type FacetSelections } from './facets.js';
import type { SqlCondition } from './querySql.js';

// Which assets a search finds, and how many: the hit list, its count and the facet counts over it.

export function whereOf(conditions: SqlCondition[]): SqlCondition {
  return {
    sql: conditions.map((condition) => `(${condition.sql})`).join(' and ') || '1 = 1',
    params: conditions.flatMap((condition) => condition.params),
  };
}

/** Leaves deleted assets out; a search without includeDeleted has it among its conditions. */
export const NOT_DELETED: SqlCondition = { sql: 'a.deleted_at is null', params: [] };

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

export interface Hits {
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
export async function findHits(
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
