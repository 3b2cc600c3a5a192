import type { SqlEntityManager as EntityManager } from '@mikro-orm/sql';
import { Asset } from '../../db/entities/Asset.js';
import { Folder } from '../../db/entities/Folder.js';
import { type HistoryAction, HistoryEntry } from '../../db/entities/HistoryEntry.js';
import type { UserView } from '../../db/entities/User.js';
import { Conflict, Forbidden } from '../../errors.js';
import { assetPolicy } from '../policy/access.js';

export const ROOT = '/';

/** A condition in SQL with its bound parameters. */
export interface SqlCondition {
  sql: string;
  params: unknown[];
}

/** SQL counts characters (code points), JavaScript's `length` counts UTF-16 units; they differ past the BMP. */
function sqlLength(text: string): number {
  return Array.from(text).length;
}

/**
 * `column` is `path` or lies below it. A prefix compared with substr, not LIKE: a path may hold `%` and `_`,
 * and SQLite's LIKE ignores case.
 */
export function inSubtree(column: string, path: string): SqlCondition {
  if (path === ROOT) return { sql: '1 = 1', params: [] };
  const prefix = `${path}/`;
  return { sql: `(${column} = ? or substr(${column}, 1, ?) = ?)`, params: [path, sqlLength(prefix), prefix] };
}

/** `column` is a folder directly inside `path`. */
export function childOf(column: string, path: string): SqlCondition {
  const prefix = path === ROOT ? ROOT : `${path}/`;
  const start = sqlLength(prefix) + 1;
  return {
    sql: `(substr(${column}, 1, ?) = ? and length(${column}) >= ? and substr(${column}, ?) not like '%/%')`,
    params: [sqlLength(prefix), prefix, start, start],
  };
}

/** SQL for `column` with its leading `from` replaced by `to`, for a column known to lie in `from`'s subtree. */
export function rebasedSql(column: string, from: string, to: string): { sql: string; params: unknown[] } {
  return { sql: `? || substr(${column}, ?)`, params: [to, sqlLength(from) + 1] };
}

/** `path`, which lies in `from`'s subtree, moved to `to`. */
export function rebased(path: string, from: string, to: string): string {
  return to + path.slice(from.length);
}

export function parentOf(path: string): string | null {
  if (path === ROOT) return null;
  const cut = path.lastIndexOf('/');
  return cut === 0 ? ROOT : path.slice(0, cut);
}

export function lastSegmentOf(path: string): string {
  return path === ROOT ? '' : path.slice(path.lastIndexOf('/') + 1);
}

/** `path` and every folder above it, outermost first; the root is left out, as it always exists. */
export function selfAndAncestors(path: string): string[] {
  const segments = path.split('/').filter(Boolean);
  return segments.map((_, depth) => `/${segments.slice(0, depth + 1).join('/')}`);
}

/** What a folder operation needs of each asset it touches, read without loading whole entities. */
export interface TreeAsset {
  id: string;
  name: string;
  folderPath: string;
  versionNumber: number;
  createdBy: string | null;
  checkedOutBy: string | null;
}

export async function assetsInSubtree(
  em: EntityManager,
  path: string,
  { includeDeleted }: { includeDeleted: boolean },
): Promise<TreeAsset[]> {
  const where = inSubtree('a.folder_path', path);
  const qb = em
    .createQueryBuilder(Asset, 'a')
    .select(['id', 'name', 'folderPath', 'versionNumber', 'createdBy', 'checkedOutBy'])
    .where(where.sql, where.params);
  if (!includeDeleted) qb.andWhere({ deletedAt: null });
  const rows: Record<string, unknown>[] = await qb.execute('all');
  return rows.map((row) => ({
    id: String(row.id),
    name: String(row.name),
    folderPath: String(row.folderPath),
    versionNumber: Number(row.versionNumber),
    createdBy: (row.createdBy as string | null) ?? null,
    checkedOutBy: (row.checkedOutBy as string | null) ?? null,
  }));
}

/** Whether a folder is there: a live row of its own, or live assets in it or below it. */
export async function folderExists(em: EntityManager, path: string): Promise<boolean> {
  if (path === ROOT) return true;
  const folders = inSubtree('f.path', path);
  const liveFolder = await em
    .createQueryBuilder(Folder, 'f')
    .select('id')
    .where(folders.sql, folders.params)
    .andWhere({ deletedAt: null })
    .limit(1)
    .execute('all');
  if (liveFolder.length > 0) return true;
  const assets = inSubtree('a.folder_path', path);
  const liveAsset = await em
    .createQueryBuilder(Asset, 'a')
    .select('id')
    .where(assets.sql, assets.params)
    .andWhere({ deletedAt: null })
    .limit(1)
    .execute('all');
  return liveAsset.length > 0;
}

/**
 * EDITOR and above change any folder; a CONTRIBUTOR only one whose every asset it created. Nobody changes a
 * folder holding an asset that someone else has checked out.
 */
export function assertMayChangeAll(viewer: UserView, assets: TreeAsset[], doing: string): void {
  // The policy looks only at who created an asset; these rows are read without whole entities.
  const asOwner = (asset: TreeAsset) => ({ createdBy: asset.createdBy ? { id: asset.createdBy } : null }) as Asset;
  const foreign = assets.find((asset) => !assetPolicy.canManage(viewer, asOwner(asset)));
  if (foreign) {
    throw new Forbidden(
      viewer.role === 'CONTRIBUTOR'
        ? `You may ${doing} only folders whose assets you all created; asset ${foreign.id} was created by another user`
        : `Your role ${viewer.role} may not ${doing} folders`,
    );
  }
  const locked = assets.find((asset) => asset.checkedOutBy && asset.checkedOutBy !== viewer.id);
  if (locked) throw new Conflict(`Asset ${locked.id} in this folder is checked out by another user`);
}

/** One history entry per asset, written with the transaction's flush; recordHistory needs whole entities. */
export function recordTreeHistory(
  em: EntityManager,
  viewer: UserView,
  assets: TreeAsset[],
  action: HistoryAction,
  detailsOf: (asset: TreeAsset) => Record<string, unknown>,
): void {
  for (const asset of assets) {
    em.create(HistoryEntry, {
      asset: em.getReference(Asset, asset.id),
      action,
      user: viewer.id,
      username: viewer.username,
      versionNumber: asset.versionNumber,
      details: detailsOf(asset),
    });
  }
}
