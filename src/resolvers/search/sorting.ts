import type { AssetView } from '../../db/entities/Asset.js';
import { BadInput } from '../../errors.js';
import { COLUMN_FIELDS, type ColumnField } from './searchFields.js';

export type SortProperty = NonNullable<ColumnField['property']>;

export interface SortKey {
  property: SortProperty;
  descending: boolean;
}

/** A sort: by columns (paged by keyset), or by relevance to the free text (paged by offset). */
export type Sort = { kind: 'columns'; keys: SortKey[] } | { kind: 'relevance' };

const NEWEST_FIRST: Sort = { kind: 'columns', keys: [{ property: 'createdAt', descending: true }] };

const sortableFields = () =>
  Object.entries(COLUMN_FIELDS)
    .filter(([, field]) => field.property)
    .map(([name]) => name)
    .join(', ');

/**
 * `name-asc,assetCreated-desc`, or `relevance`. Without a direction, dates and numbers sort newest or
 * largest first and text A to Z, as WoodWing does. Default: newest first.
 */
export function parseSort(sort: string | null | undefined): Sort {
  if (!sort || sort.trim() === '') return NEWEST_FIRST;
  if (sort.trim() === 'relevance') return { kind: 'relevance' };
  const keys = sort.split(',').map((part) => {
    const match = /^\s*([A-Za-z]+)(?:-(asc|desc))?\s*$/.exec(part);
    const field = match?.[1] ? COLUMN_FIELDS[match[1]] : undefined;
    if (!match || !field?.property) {
      throw new BadInput(
        `Cannot sort by ${JSON.stringify(part)}: use relevance, or a comma list of field-asc or field-desc over ${sortableFields()}`,
      );
    }
    const descending = match[2] ? match[2] === 'desc' : field.kind !== 'text';
    return { property: field.property, descending };
  });
  return { kind: 'columns', keys };
}

type CursorValue = string | number;

function sortValueOf(asset: AssetView, property: SortProperty): CursorValue {
  const value = asset[property];
  return value instanceof Date ? value.getTime() : (value as CursorValue);
}

export function keysetCursor(asset: AssetView, keys: SortKey[]): string {
  const values = [...keys.map((key) => sortValueOf(asset, key.property)), asset.id];
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function offsetCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

function badCursor(): BadInput {
  return new BadInput(
    'The cursor in "after" is not one this query returned; pass an endCursor unchanged, with the same sort',
  );
}

function decode(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
}

export function decodeOffsetCursor(cursor: string): number {
  const value = decode(cursor) as { offset?: unknown } | null;
  if (typeof value?.offset !== 'number' || !Number.isInteger(value.offset) || value.offset < 0) throw badCursor();
  return value.offset;
}

export function decodeKeysetCursor(cursor: string, keys: SortKey[]): CursorValue[] {
  const values = decode(cursor);
  if (
    Array.isArray(values) &&
    values.length === keys.length + 1 &&
    values.every((value) => typeof value === 'string' || typeof value === 'number')
  ) {
    return values as CursorValue[];
  }
  throw badCursor();
}

const isDate = (property: SortProperty) => property === 'createdAt' || property === 'modifiedAt';

/** Rows after the cursor in the sort order, the id breaking ties: (a > x) or (a = x and b > y) or ... */
export function afterKeyset(keys: SortKey[], values: CursorValue[]): Record<string, unknown> {
  const all = [...keys, { property: 'id' as const, descending: keys.at(-1)?.descending ?? false }];
  const valueAt = (index: number) => {
    const property = all[index]?.property;
    const value = values[index];
    return property && property !== 'id' && isDate(property) ? new Date(value as number) : value;
  };
  const alternatives = all.map((key, index) => {
    const condition: Record<string, unknown> = {};
    for (let i = 0; i < index; i++) condition[all[i]?.property as string] = valueAt(i);
    condition[key.property] = { [key.descending ? '$lt' : '$gt']: valueAt(index) };
    return condition;
  });
  return { $or: alternatives };
}
