import { BadInput } from '../../errors.js';
import type { FacetSelections } from '../../resolvers/search/facets.js';
import type { AssetSearchArgs } from '../../resolvers/search/searchAssets.js';
import type { WoodwingParams } from './params.js';

const DEFAULT_NUM = 50;
/** WoodWing returns no hits past 10,000; a page here (of search hits, or of history) holds at most 500. */
export const MAX_NUM = 500;

interface AssetSearchBody {
  firstResult?: number;
  maxResultHits?: number;
  query?: { QueryStringQuery?: { queryString?: string } };
  sorting?: { field: string; descending?: boolean }[];
  facets?: Record<string, { field?: string; selection?: { values?: string[] } }>;
  metadataToReturn?: string[];
}

function fromJsonBody(body: AssetSearchBody) {
  const facets = Object.entries(body.facets ?? {});
  return {
    query: body.query?.QueryStringQuery?.queryString ?? '',
    start: body.firstResult ?? 0,
    num: body.maxResultHits ?? DEFAULT_NUM,
    sort: body.sorting?.map((key) => `${key.field}-${key.descending ? 'desc' : 'asc'}`).join(','),
    facets: facets.map(([name, facet]) => facet.field ?? name),
    selections: Object.fromEntries(
      facets
        .filter(([, facet]) => facet.selection?.values?.length)
        .map(([name, facet]) => [facet.field ?? name, facet.selection?.values ?? []]),
    ) as FacetSelections,
    fields: body.metadataToReturn,
  };
}

function fromParams(params: WoodwingParams) {
  const selections: FacetSelections = {};
  for (const [name, value] of params.withPrefix('facet.')) {
    const field = /^facet\.(.+)\.selection$/.exec(name)?.[1];
    if (field)
      selections[field] = value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
  }
  return {
    query: params.string('q') ?? '',
    start: params.integer('start') ?? 0,
    num: params.integer('num') ?? DEFAULT_NUM,
    sort: params.string('sort'),
    facets: params.list('facets') ?? [],
    selections,
    fields: params.list('metadataToReturn'),
  };
}

/** A page's `start` and `num` (of search hits, or of history) as offset and limit, `num` cut to MAX_NUM. */
export function pagingOf(start: number, num: number): { offset: number; limit: number } {
  if (!Number.isInteger(start) || start < 0) throw new BadInput('start must be a whole number from 0');
  if (!Number.isInteger(num) || num < 0) throw new BadInput('num must be a whole number from 0');
  return { offset: start, limit: Math.min(num, MAX_NUM) };
}

/** search's parameters (or its JSON AssetSearch body) as the arguments of the one search. */
export function searchArgsOf(params: WoodwingParams): {
  args: AssetSearchArgs;
  paging: { offset: number; limit: number };
  fields: string[] | undefined;
} {
  const body = params.json as AssetSearchBody | undefined;
  const read = body?.query || body?.firstResult !== undefined ? fromJsonBody(body) : fromParams(params);
  return {
    args: {
      query: read.query,
      sort: read.sort,
      facets: read.facets,
      facetSelections: read.selections,
    },
    paging: pagingOf(read.start, read.num),
    fields: read.fields,
  };
}
