import type { SqlEntityManager as EntityManager } from '@mikro-orm/sql';
import type { RequestContext } from '../../context.js';
import type { Metadata } from '../../db/entities/Asset.js';
import { Folder } from '../../db/entities/Folder.js';
import type { UserView } from '../../db/entities/User.js';
import { BadInput, Conflict, NotFound } from '../../errors.js';
import { newId } from '../../ids.js';
import { folderAccess, requireRole, requireViewer } from '../policy/access.js';
import { childOf, folderExists, ROOT, selfAndAncestors } from './folderTree.js';
import { checkedFolderPath } from './paths.js';

/**
 * A folder as the API shows it. The root, which has no row of its own, has no id, no creation time and no
 * metadata; nor has a folder known only from the assets in it.
 */
export interface FolderView {
  path: string;
  id: string | null;
  createdAt: Date | null;
  metadata: Metadata;
}

export const folderViewOf = (row: Folder): FolderView => ({
  path: row.path,
  id: row.id,
  createdAt: row.createdAt,
  metadata: row.metadata ?? {},
});
const rowless = (path: string): FolderView => ({ path, id: null, createdAt: null, metadata: {} });

export type FolderCreation = 'CREATED' | 'ALREADY_EXISTS';

/**
 * Makes the folder and every folder above it exist, undeleting those that were removed; returns the paths it
 * created or undeleted. Concurrent uploads into a new folder may both try: the insert ignores the loser.
 */
export async function ensureFolderRows(em: EntityManager, path: string, createdBy: UserView | null): Promise<string[]> {
  const wanted = selfAndAncestors(path);
  if (wanted.length === 0) return [];
  const existing = await em.find(Folder, { path: { $in: wanted } }, { fields: ['path', 'deletedAt'] });
  const live = new Set(existing.filter((folder) => !folder.deletedAt).map((folder) => folder.path));
  if (live.size === wanted.length) return [];

  const removed = existing.filter((folder) => folder.deletedAt).map((folder) => folder.path);
  if (removed.length > 0) {
    await em.nativeUpdate(Folder, { path: { $in: removed }, deletedAt: { $ne: null } }, { deletedAt: null });
  }
  const known = new Set(existing.map((folder) => folder.path));
  const missing = wanted.filter((folderPath) => !known.has(folderPath));
  await insertFolderRows(em, missing, createdBy);
  return [...removed, ...missing];
}

/** New folder rows in one statement; a path that has a row already keeps it. */
export async function insertFolderRows(em: EntityManager, paths: string[], createdBy: UserView | null): Promise<void> {
  if (paths.length === 0) return;
  const now = new Date();
  await em
    .createQueryBuilder(Folder)
    .insert(paths.map((path) => ({ id: newId(), path, createdAt: now, createdBy: createdBy?.id ?? null })))
    .onConflict('path')
    .ignore()
    .execute();
}

/** Used by every write that puts an asset into a folder. */
export async function ensureFolders(ctx: RequestContext, path: string): Promise<void> {
  await ensureFolderRows(ctx.em, checkedFolderPath(path), ctx.viewer);
}

/** WoodWing's createFolder: creating a folder that is already there is no error, and says so. */
export async function createFolder(
  ctx: RequestContext,
  rawPath: string,
): Promise<{ path: string; status: FolderCreation }> {
  const viewer = requireRole(ctx, folderAccess.role, 'create folders');
  const path = checkedFolderPath(rawPath);
  const created = await ensureFolderRows(ctx.em, path, viewer);
  return { path, status: created.includes(path) ? 'CREATED' : 'ALREADY_EXISTS' };
}

/** The folder at `path`, or null when it has neither a row of its own nor live assets in or below it. */
export async function findFolder(em: EntityManager, path: string): Promise<FolderView | null> {
  if (path === ROOT) return rowless(path);
  const row = await em.findOne(Folder, { path, deletedAt: null });
  if (row) return folderViewOf(row);
  return (await folderExists(em, path)) ? rowless(path) : null;
}

export function getFolder(ctx: RequestContext, rawPath: string): Promise<FolderView | null> {
  requireViewer(ctx);
  return findFolder(ctx.em, checkedFolderPath(rawPath));
}

/** The folder, which must exist, for the result of a change. */
export async function existingFolder(em: EntityManager, path: string): Promise<FolderView> {
  const folder = await findFolder(em, path);
  if (!folder) throw new NotFound(`No folder ${path}`);
  return folder;
}

/** The folders directly inside `path`, by name. */
/** Which of a folder's children to read: from `offset`, at most `limit`. */
export interface ChildPage {
  offset: number;
  limit: number;
}

function childFolderQuery(ctx: RequestContext, path: string) {
  requireViewer(ctx);
  const children = childOf('f.path', path);
  return ctx.em.createQueryBuilder(Folder, 'f').where(children.sql, children.params).andWhere({ deletedAt: null });
}

/** The folders directly inside `path`, by path: a page of them. */
export async function childFolders(ctx: RequestContext, path: string, page: ChildPage): Promise<FolderView[]> {
  const rows = await childFolderQuery(ctx, path)
    .orderBy({ path: 'asc' })
    .offset(page.offset)
    .limit(page.limit)
    .getResultList();
  return rows.map(folderViewOf);
}

/** How many folders are directly inside `path`. */
export function childFolderCount(ctx: RequestContext, path: string): Promise<number> {
  return childFolderQuery(ctx, path).getCount();
}

/** The root and what a folder operation may not do with it. */
export function assertNotRoot(path: string, doing: string): void {
  if (path === ROOT) throw new BadInput(`The root folder "/" cannot be ${doing}`);
}

/** A move or copy may not land inside its own source, nor on a folder that is already there. */
export async function assertFreeTarget(em: EntityManager, from: string, to: string): Promise<void> {
  if (to === from || from === ROOT || to.startsWith(`${from}/`)) {
    throw new Conflict(`Cannot put folder ${from} into itself or below itself (${to})`);
  }
  if (await folderExists(em, to)) throw new Conflict(`Folder ${to} already exists`);
}
