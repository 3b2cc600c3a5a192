import { raw } from '@mikro-orm/core';
import type { SqlEntityManager as EntityManager } from '@mikro-orm/sql';
import { type RequestContext, withEntityManager } from '../../context.js';
import { Asset } from '../../db/entities/Asset.js';
import { AssetVersion } from '../../db/entities/AssetVersion.js';
import { Folder } from '../../db/entities/Folder.js';
import type { UserView } from '../../db/entities/User.js';
import { Conflict, NotFound } from '../../errors.js';
import { newId } from '../../ids.js';
import { recordHistory } from '../assets/history.js';
import { assetPolicy, folderAccess, requireRole } from '../policy/access.js';
import {
  assertFreeTarget,
  assertNotRoot,
  ensureFolderRows,
  existingFolder,
  type FolderView,
  insertFolderRows,
} from './folders.js';
import {
  assertMayChangeAll,
  assetsInSubtree,
  folderExists,
  inSubtree,
  rebased,
  rebasedSql,
  recordTreeHistory,
} from './folderTree.js';
import { assetPathOf, checkedFolderPath } from './paths.js';

async function assertFolderExists(em: EntityManager, path: string): Promise<void> {
  if (!(await folderExists(em, path))) throw new NotFound(`No folder ${path}`);
}

/** Only rows nobody holds a checkout of, but the viewer: the check before and the write agree, or nothing is written. */
function notLockedByOther(viewer: UserView) {
  return { $or: [{ checkedOutBy: null }, { checkedOutBy: viewer.id }] };
}

/**
 * After a bulk write, what this request has cached of those assets is stale; subscribers hear of each.
 * Entities of the request's EntityManager are read again, so a later field in the same request sees the change.
 */
async function announceChanged(ctx: RequestContext, ids: string[]): Promise<void> {
  for (const id of ids) ctx.loaders.assetById.clear(id);
  const cached = ids.filter((id) => ctx.em.getUnitOfWork().getById(Asset, id));
  if (cached.length > 0) await ctx.em.find(Asset, { id: { $in: cached } }, { refresh: true });
  for (const id of ids) ctx.assetEvents.publish(id);
}

/** Soft-deleted folder rows where live ones are about to arrive would break the unique path. */
async function dropRemovedFolders(em: EntityManager, path: string): Promise<void> {
  const target = inSubtree('path', path);
  await em
    .createQueryBuilder(Folder)
    .delete()
    .where(target.sql, target.params)
    .andWhere({ deletedAt: { $ne: null } })
    .execute();
}

/**
 * Moves or renames a folder with everything below it: one UPDATE for the folder rows and one for the assets,
 * in one transaction, so that no reader sees half a move.
 */
export async function moveFolder(ctx: RequestContext, rawFrom: string, rawTo: string): Promise<FolderView> {
  await moveFolderTree(ctx, rawFrom, rawTo);
  return existingFolder(ctx.em, checkedFolderPath(rawTo));
}

/** moveFolder, answering how many assets moved with it. */
export async function moveFolderTree(ctx: RequestContext, rawFrom: string, rawTo: string): Promise<number> {
  const viewer = requireRole(ctx, folderAccess.role, 'move folders');
  const from = checkedFolderPath(rawFrom);
  const to = checkedFolderPath(rawTo);
  assertNotRoot(from, 'moved');
  const moved = await ctx.em.transactional(async (em) => {
    await assertFolderExists(em, from);
    await assertFreeTarget(em, from, to);
    const assets = await assetsInSubtree(em, from, { includeDeleted: true });
    assertMayChangeAll(viewer, assets, 'move');
    await dropRemovedFolders(em, to);

    const folders = inSubtree('path', from);
    const movedPath = rebasedSql('path', from, to);
    await em
      .createQueryBuilder(Folder)
      .update({ path: raw(movedPath.sql, movedPath.params) })
      .where(folders.sql, folders.params)
      .execute();
    const inFrom = inSubtree('folder_path', from);
    const movedFolderPath = rebasedSql('folder_path', from, to);
    const result = await em
      .createQueryBuilder(Asset)
      .update({
        folderPath: raw(movedFolderPath.sql, movedFolderPath.params),
        modifiedAt: new Date(),
        modifiedBy: viewer.id,
      })
      .where(inFrom.sql, inFrom.params)
      .andWhere(notLockedByOther(viewer))
      .execute('run');
    if (result.affectedRows !== assets.length) {
      throw new Conflict(`Folder ${from} changed while it was being moved; try again`);
    }
    await ensureFolderRows(em, to, viewer);
    recordTreeHistory(em, viewer, assets, 'MOVE', (asset) => ({
      from: assetPathOf(asset.folderPath, asset.name),
      to: assetPathOf(rebased(asset.folderPath, from, to), asset.name),
    }));
    return assets;
  });
  await announceChanged(
    ctx,
    moved.map((asset) => asset.id),
  );
  return moved.length;
}

/** A copy of `source` at `folderPath`, owned by the viewer; it shares the source's (content-addressed) blob. */
function copyAsset(
  em: EntityManager,
  ctx: RequestContext,
  viewer: UserView,
  source: Asset,
  folderPath: string,
  name = source.name,
): Asset {
  const copy = em.create(Asset, {
    id: newId(),
    name,
    folderPath,
    contentType: source.contentType,
    size: source.size,
    md5: source.md5,
    sha256: source.sha256,
    blobKey: source.blobKey,
    // A scan verdict that is not final yet is reached again for the copy.
    state: source.state === 'UPLOADED' ? 'UPLOADED' : 'UNSCANNED',
    metadata: structuredClone(source.metadata),
    versionNumber: 1,
    draft: source.draft,
    // A copy of a restricted draft stays as restricted as its source.
    accessLimitedUserIds: [...source.accessLimitedUserIds],
    accessLimitedOrganisationIds: [...source.accessLimitedOrganisationIds],
    authBypassIds: [...source.authBypassIds],
    createdBy: viewer.id,
    modifiedBy: viewer.id,
    fileStoredAt: new Date(),
  });
  em.create(AssetVersion, {
    asset: copy,
    versionNumber: 1,
    name: copy.name,
    contentType: copy.contentType,
    size: copy.size,
    md5: copy.md5,
    sha256: copy.sha256,
    blobKey: copy.blobKey,
    createdBy: viewer.id,
  });
  recordHistory(withEntityManager(ctx, em), copy, 'CREATE', {
    name: copy.name,
    folderPath,
    size: copy.size,
    copiedFrom: source.id,
  });
  return copy;
}

/** Copies a folder with its subfolders and the assets the viewer may see; no byte is copied. */
export async function copyFolder(ctx: RequestContext, rawFrom: string, rawTo: string): Promise<FolderView> {
  await copyFolderTree(ctx, rawFrom, rawTo);
  return existingFolder(ctx.em, checkedFolderPath(rawTo));
}

/** copyFolder, answering how many assets it copied. */
export async function copyFolderTree(ctx: RequestContext, rawFrom: string, rawTo: string): Promise<number> {
  const viewer = requireRole(ctx, folderAccess.role, 'copy folders');
  const from = checkedFolderPath(rawFrom);
  const to = checkedFolderPath(rawTo);
  const copies = await ctx.em.transactional(async (em) => {
    await assertFolderExists(em, from);
    await assertFreeTarget(em, from, to);
    const folders = inSubtree('f.path', from);
    const folderRows = await em
      .createQueryBuilder(Folder, 'f')
      .where(folders.sql, folders.params)
      .andWhere({ deletedAt: null })
      .getResultList();
    const inFrom = inSubtree('a.folder_path', from);
    const sources = (
      await em
        .createQueryBuilder(Asset, 'a')
        .where(inFrom.sql, inFrom.params)
        .andWhere({ deletedAt: null })
        .getResultList()
    ).filter((asset) => assetPolicy.canRead(viewer, asset));

    await dropRemovedFolders(em, to);
    await ensureFolderRows(em, to, viewer);
    const below = new Set([...folderRows.map((row) => row.path), ...sources.map((asset) => asset.folderPath)]);
    below.delete(from);
    await insertFolderRows(
      em,
      [...below].map((path) => rebased(path, from, to)),
      viewer,
    );
    return sources.map((source) => copyAsset(em, ctx, viewer, source, rebased(source.folderPath, from, to)));
  });
  if (copies.some((copy) => copy.state === 'UNSCANNED')) ctx.scanQueue.wake();
  for (const copy of copies) ctx.assetEvents.publish(copy.id);
  return copies.length;
}

/** A copy of one asset the viewer may read, as a new asset of theirs at `folderPath` named `name`. */
export async function copyAssetTo(
  ctx: RequestContext,
  source: Asset,
  folderPath: string,
  name: string,
): Promise<Asset> {
  const viewer = requireRole(ctx, 'CONTRIBUTOR', 'copy assets');
  const copy = await ctx.em.transactional(async (em) => {
    await ensureFolderRows(em, folderPath, viewer);
    return copyAsset(em, ctx, viewer, source, folderPath, name);
  });
  if (copy.state === 'UNSCANNED') ctx.scanQueue.wake();
  ctx.assetEvents.publish(copy.id);
  return copy;
}

/** The folder rows of `path` and below, once no live asset is left in them (after its assets moved away one by one). */
export async function removeFolderRowsIfEmpty(ctx: RequestContext, path: string): Promise<void> {
  if (path === '/') return;
  const inPath = inSubtree('a.folder_path', path);
  const live = await ctx.em
    .createQueryBuilder(Asset, 'a')
    .select('id')
    .where(inPath.sql, inPath.params)
    .andWhere({ deletedAt: null })
    .limit(1)
    .execute('all');
  if (live.length > 0) return;
  const folders = inSubtree('path', path);
  await ctx.em
    .createQueryBuilder(Folder)
    .update({ deletedAt: new Date() })
    .where(folders.sql, folders.params)
    .andWhere({ deletedAt: null })
    .execute();
}

/** A soft delete of the folder, the folders below it and every asset in them; returns how many assets it removed. */
export async function removeFolder(ctx: RequestContext, rawPath: string): Promise<number> {
  const viewer = requireRole(ctx, folderAccess.role, 'remove folders');
  const path = checkedFolderPath(rawPath);
  assertNotRoot(path, 'removed');
  const removed = await ctx.em.transactional(async (em) => {
    await assertFolderExists(em, path);
    const assets = await assetsInSubtree(em, path, { includeDeleted: false });
    assertMayChangeAll(viewer, assets, 'remove');
    const now = new Date();
    const inPath = inSubtree('folder_path', path);
    const result = await em
      .createQueryBuilder(Asset)
      .update({ deletedAt: now, modifiedAt: now, modifiedBy: viewer.id })
      .where(inPath.sql, inPath.params)
      .andWhere({ deletedAt: null, ...notLockedByOther(viewer) })
      .execute('run');
    if (result.affectedRows !== assets.length) {
      throw new Conflict(`Folder ${path} changed while it was being removed; try again`);
    }
    const folders = inSubtree('path', path);
    await em
      .createQueryBuilder(Folder)
      .update({ deletedAt: now })
      .where(folders.sql, folders.params)
      .andWhere({ deletedAt: null })
      .execute();
    recordTreeHistory(em, viewer, assets, 'REMOVE', () => ({ folderPath: path }));
    return assets;
  });
  ctx.renditions.cleanup.wake();
  await announceChanged(
    ctx,
    removed.map((asset) => asset.id),
  );
  return removed.length;
}

/** `to` and a copy of every live folder below `from`, rebased under `to`: the empty ones too. */
export async function replicateFolderTree(ctx: RequestContext, from: string, to: string): Promise<void> {
  const viewer = requireRole(ctx, folderAccess.role, 'create folders');
  const below = inSubtree('f.path', from);
  const rows = await ctx.em
    .createQueryBuilder(Folder, 'f')
    .where(below.sql, below.params)
    .andWhere({ deletedAt: null })
    .getResultList();
  await dropRemovedFolders(ctx.em, to);
  await ensureFolderRows(ctx.em, to, viewer);
  await insertFolderRows(
    ctx.em,
    rows.filter((row) => row.path !== from).map((row) => rebased(row.path, from, to)),
    viewer,
  );
}
