import type { QBFilterQuery as FilterQuery } from '@mikro-orm/sql';
import type { RequestContext } from '../context.js';
import { Asset } from '../db/entities/Asset.js';
import type { User } from '../db/entities/User.js';
import { BadInput } from '../errors.js';
import { requireViewer } from './access.js';
import { checkedFolderPath } from './paths.js';

export interface AssetListArgs {
  first?: number | null;
  after?: string | null;
  query?: string | null;
  folderPath?: string | null;
  includeDeleted?: boolean | null;
  sort?: string | null;
}

export interface AssetPage {
  assets: Asset[];
  cursors: string[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  totalCount: number;
}

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 500;

type SortField = 'name' | 'createdAt' | 'modifiedAt' | 'size';
interface SortKey {
  field: SortField;
  descending: boolean;
}

/** Our names and the WoodWing names for the same fields. */
const SORT_FIELDS: Record<string, SortField> = {
  name: 'name',
  filename: 'name',
  createdAt: 'createdAt',
  assetCreated: 'createdAt',
  modifiedAt: 'modifiedAt',
  assetModified: 'modifiedAt',
  size: 'size',
  fileSize: 'size',
};

/** `name-asc,createdAt-desc`; without a direction a field sorts ascending. Default: newest first. */
export function parseSort(sort: string | null | undefined): SortKey[] {
  if (!sort || sort.trim() === '') return [{ field: 'createdAt', descending: true }];
  return sort.split(',').map((part) => {
    const match = /^\s*([A-Za-z]+)(?:-(asc|desc))?\s*$/.exec(part);
    const field = match?.[1] ? SORT_FIELDS[match[1]] : undefined;
    if (!match || !field) {
      throw new BadInput(
        `Cannot sort by ${JSON.stringify(part)}: use a comma list of field-asc or field-desc, with the fields ${Object.keys(SORT_FIELDS).join(', ')}`,
      );
    }
    return { field, descending: match[2] === 'desc' };
  });
}

type CursorValue = string | number;

function sortValue(asset: Asset, field: SortField): CursorValue {
  const value = asset[field];
  return value instanceof Date ? value.getTime() : value;
}

function encodeCursor(asset: Asset, keys: SortKey[]): string {
  return Buffer.from(JSON.stringify([...keys.map((key) => sortValue(asset, key.field)), asset.id])).toString(
    'base64url',
  );
}

function decodeCursor(cursor: string, keys: SortKey[]): CursorValue[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(values) &&
      values.length === keys.length + 1 &&
      values.every((value) => typeof value === 'string' || typeof value === 'number')
    ) {
      return values as CursorValue[];
    }
  } catch {
    // fall through to the error below
  }
  throw new BadInput(
    'The cursor in "after" is not one this query returned; pass an endCursor unchanged, with the same sort',
  );
}

function asColumnValue(field: SortField, value: CursorValue): unknown {
  return field === 'createdAt' || field === 'modifiedAt' ? new Date(value) : value;
}

/** Rows after the cursor in the sort order, id breaking ties: (a > x) or (a = x and b > y) or ... */
function afterCursor(keys: SortKey[], values: CursorValue[]): FilterQuery<Asset> {
  const all = [
    ...keys.map((key) => ({ field: key.field as string, descending: key.descending })),
    { field: 'id', descending: keys.at(-1)?.descending ?? false },
  ];
  const alternatives: FilterQuery<Asset>[] = all.map((key, index) => {
    const condition: Record<string, unknown> = {};
    for (let i = 0; i < index; i++) {
      const earlier = all[i] as (typeof all)[number];
      condition[earlier.field] = asColumnValue(earlier.field as SortField, values[i] as CursorValue);
    }
    condition[key.field] = {
      [key.descending ? '$lt' : '$gt']: asColumnValue(key.field as SortField, values[index] as CursorValue),
    };
    return condition as FilterQuery<Asset>;
  });
  return { $or: alternatives };
}

/** A condition in SQL with bound parameters; the SQL itself never holds user input. */
interface SqlCondition {
  sql: string;
  params: unknown[];
}

const TERM = /\s*([A-Za-z_][\w.-]*):(?:"((?:[^"\\]|\\.)*)"|(\S+))\s*/y;
const COLUMN_FIELDS: Record<string, string> = {
  name: 'a.name',
  filename: 'a.name',
  folderPath: 'a.folder_path',
  contentType: 'a.content_type',
  mimeType: 'a.content_type',
};

function likePattern(value: string): string {
  return value
    .replace(/[\\%_]/g, (c) => `\\${c}`)
    .replace(/\*/g, '%')
    .replace(/\?/g, '_');
}

/**
 * For now the query is a list of `field:value` terms, all of which must match; `*` and `?` are wildcards and
 * matching ignores case. Columns are matched as they are, other fields in the asset's metadata (a list
 * matches when one of its items does). The full search language comes with search.
 */
function queryConditions(query: string): SqlCondition[] {
  const raw: SqlCondition[] = [];
  TERM.lastIndex = 0;
  let position = 0;
  while (position < query.length) {
    if (query.slice(position).trim() === '') break;
    TERM.lastIndex = position;
    const match = TERM.exec(query);
    if (!match) {
      throw new BadInput(
        `Cannot read the query at position ${position + 1} (${JSON.stringify(query.slice(position, position + 20))}): for now only field:value terms are understood, e.g. name:*.jpg folderPath:/Photos`,
        { position: position + 1 },
      );
    }
    const [, field = '', quoted, bare] = match;
    const value = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : (bare ?? '');
    const pattern = likePattern(value);
    const column = COLUMN_FIELDS[field];
    if (column) {
      // The column names come from the table above, never from the query.
      raw.push({ sql: `${column} like ? escape '\\'`, params: [pattern] });
    } else {
      raw.push({
        sql: `exists (select 1 from json_each(a.metadata, ?) where cast(value as text) like ? escape '\\')`,
        params: [`$."${field.replace(/"/g, '')}"`, pattern],
      });
    }
    position = TERM.lastIndex;
  }
  return raw;
}

/** Access-limited drafts are listed only to those who may read them (see assetPolicy.canRead). */
function visibleTo(viewer: User): SqlCondition | undefined {
  if (viewer.role === 'ADMIN') return undefined;
  return {
    sql: `(a.draft = 0
      or (json_array_length(a.access_limited_user_ids) = 0 and json_array_length(a.access_limited_organisation_ids) = 0)
      or a.created_by_id = ?
      or exists (select 1 from json_each(a.access_limited_user_ids) where value = ?)
      or exists (select 1 from json_each(a.access_limited_organisation_ids) where value = ?))`,
    params: [viewer.id, viewer.id, viewer.organisationId ?? ''],
  };
}

export async function listAssets(ctx: RequestContext, args: AssetListArgs): Promise<AssetPage> {
  const viewer = requireViewer(ctx);
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new BadInput(`"first" must be a whole number from 0 to ${MAX_PAGE_SIZE}, got ${first}`);
  }
  const keys = parseSort(args.sort);
  const filters: FilterQuery<Asset>[] = [];
  if (!args.includeDeleted) filters.push({ deletedAt: null });
  if (args.folderPath != null) filters.push({ folderPath: checkedFolderPath(args.folderPath) });
  const raw = queryConditions(args.query ?? '');
  const visibility = visibleTo(viewer);
  if (visibility) raw.push(visibility);

  const base = ctx.em.createQueryBuilder(Asset, 'a').where({ $and: filters });
  for (const condition of raw) base.andWhere(condition.sql, condition.params);

  const page = base.clone();
  if (args.after) page.andWhere(afterCursor(keys, decodeCursor(args.after, keys)));
  const direction = (key: SortKey) => (key.descending ? 'desc' : 'asc');
  page.orderBy([...keys.map((key) => ({ [key.field]: direction(key) })), { id: direction(keys.at(-1) as SortKey) }]);
  page.limit(first + 1);

  const [rows, totalCount] = await Promise.all([page.getResultList(), base.getCount()]);
  const assets = rows.slice(0, first);
  for (const asset of assets) ctx.loaders.assetById.prime(asset.id, asset);
  return {
    assets,
    cursors: assets.map((asset) => encodeCursor(asset, keys)),
    hasNextPage: rows.length > first,
    hasPreviousPage: Boolean(args.after),
    totalCount,
  };
}
