import type { RequestContext } from '../../context.js';
import { BadInput } from '../../errors.js';
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

function whereOf(conditions: SqlCondition[]): SqlCondition {
  return {
    sql: conditions.map((condition) => `(${condition.sql})`).join(' and ') || '1 = 1',
    params: conditions.flatMap((condition) => condition.params),
  };
}

/**
 * Counts per value of each field among the hits. A facet's own selection is left out of its counts, so
 * that a client can offer the other values of a field it already filters by.
 */
export async function countFacets(
  ctx: RequestContext,
  fields: string[],
  baseConditions: SqlCondition[],
  selections: FacetSelections,
): Promise<Facet[]> {
  const connection = ctx.em.getConnection();
  return Promise.all(
    fields.map(async (field) => {
      const others = Object.entries(selections)
        .filter(([name]) => name !== field)
        .map(([name, values]) => selectionCondition(name, values));
      const where = whereOf([...baseConditions, ...others]);
      const column = COLUMN_FIELDS[field];
      const rows = (
        column
          ? await connection.execute(
              `select ${column.sql} as value, count(*) as hitCount from assets a where ${where.sql} group by 1 order by 2 desc, 1 limit ?`,
              [...where.params, MAX_FACET_VALUES],
            )
          : await connection.execute(
              `select v.value as value, count(*) as hitCount from assets a join asset_field_values v on v.asset_rowid = a.rowid and v.field = ? where ${where.sql} group by v.value order by 2 desc, 1 limit ?`,
              [field, ...where.params, MAX_FACET_VALUES],
            )
      ) as { value: unknown; hitCount: number }[];
      const chosen = new Set((selections[field] ?? []).map((value) => value.toLowerCase()));
      return {
        field,
        values: rows.map((row) => ({
          value: String(row.value),
          hitCount: Number(row.hitCount),
          selected: chosen.has(String(row.value).toLowerCase()),
        })),
      };
    }),
  );
}
