import type { RequestContext } from '../../context.js';
import { BadInput } from '../../errors.js';
import { facetIndexOf } from './facetIndex.js';
import type { SqlCondition } from './querySql.js';
import { COLUMN_FIELDS, isMetadataFieldName } from './searchFields.js';

export interface FacetValue {
  value: string;
  hitCount: number;
  selected: boolean;
}

export interface Facet {
  field: string;
  values: FacetValue[];
}

/** The values chosen in a facet: only hits with one of them are listed. */
export type FacetSelections = Record<string, string[]>;

const MAX_FACET_VALUES = 100;
const MAX_FACETS = 20;

function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}

export function checkedFacetFields(fields: readonly string[]): string[] {
  if (fields.length > MAX_FACETS) throw new BadInput(`At most ${MAX_FACETS} facets at once`);
  for (const field of fields) {
    if (!COLUMN_FIELDS[field] && !isMetadataFieldName(field)) {
      throw new BadInput(`Cannot count by ${JSON.stringify(field)}: it is not a field name`);
    }
  }
  return [...new Set(fields)];
}

/** Hits whose `field` has one of `values`. */
export function selectionCondition(field: string, values: string[]): SqlCondition {
  if (values.length === 0) return { sql: '1 = 1', params: [] };
  const column = COLUMN_FIELDS[field];
  if (column) return { sql: `${column.sql} collate nocase in (${placeholders(values.length)})`, params: values };
  return {
    sql: `a.rowid in (select v.asset_rowid from asset_field_values v where v.field = ? and v.value in (${placeholders(values.length)}))`,
    params: [field, ...values],
  };
}

/**
 * Counts per value of each field among the hits (asset rowids), from the facet index. A facet's own
 * selection is left out of its counts, so that a client can offer the other values of a field it already
 * filters by.
 */
export async function countFacets(
  ctx: RequestContext,
  fields: string[],
  hits: readonly number[],
  selections: FacetSelections,
): Promise<Facet[]> {
  const index = facetIndexOf(ctx.em);
  const chosen = Object.entries(selections).filter(([, values]) => values.length > 0);
  const matchers = await Promise.all(chosen.map(([field, values]) => index.matcher(ctx.em, field, values)));
  // For each hit, the one selection it misses (it then counts only in that field's facet), or all it passes.
  const PASSES = -1;
  const MISSES_SEVERAL = -2;
  const missed = (chosen.length === 0 ? [] : hits).map((rowid) => {
    let miss = PASSES;
    for (let i = 0; i < matchers.length; i++) {
      if (!matchers[i]?.(rowid)) miss = miss === PASSES ? i : MISSES_SEVERAL;
    }
    return miss;
  });
  return Promise.all(
    fields.map(async (field) => {
      const own = chosen.findIndex(([name]) => name === field);
      const counted =
        chosen.length === 0 ? hits : hits.filter((_, i) => missed[i] === PASSES || (own >= 0 && missed[i] === own));
      const picked = new Set((selections[field] ?? []).map((value) => value.toLowerCase()));
      const values = await index.count(ctx.em, field, counted, MAX_FACET_VALUES);
      return { field, values: values.map((value) => ({ ...value, selected: picked.has(value.value.toLowerCase()) })) };
    }),
  );
}
