import type { RequestContext } from '../../context.js';
import type { Metadata } from '../../db/entities/Asset.js';
import { Folder } from '../../db/entities/Folder.js';
import type { UserView } from '../../db/entities/User.js';
import { BadInput, Conflict, NotFound } from '../../errors.js';
import { isWellFormedId, newId } from '../../ids.js';
import { checkedMetadata, mergedMetadata } from '../assets/assetFields.js';
import { folderAccess, requireRole, requireViewer } from '../policy/access.js';
import { removeFolder } from './folderContents.js';
import { ensureFolderRows } from './folders.js';
import { folderExists, parentOf, ROOT } from './folderTree.js';
import { checkedFolderPath } from './paths.js';

/**
 * Folders as records with an id and metadata of their own (WoodWing's /api/folder). Every folder an asset
 * was put in has its row; one known only from older assets gets it when first asked for.
 */

function rootHasNoRecord(path: string): void {
  if (path === ROOT) throw new NotFound('The root folder "/" has no folder record; ask for a folder inside it');
}

export async function folderRecordByPath(ctx: RequestContext, rawPath: string): Promise<Folder> {
  requireViewer(ctx);
  const path = checkedFolderPath(rawPath);
  rootHasNoRecord(path);
  const row = await ctx.em.findOne(Folder, { path, deletedAt: null });
  if (row) return row;
  if (!(await folderExists(ctx.em, path))) throw new NotFound(`No folder ${path}`);
  await ensureFolderRows(ctx.em, path, null);
  return ctx.em.findOneOrFail(Folder, { path, deletedAt: null });
}

export async function folderRecordById(ctx: RequestContext, id: string): Promise<Folder> {
  requireViewer(ctx);
  const row = isWellFormedId(id) ? await ctx.em.findOne(Folder, { id, deletedAt: null }) : null;
  if (!row) throw new NotFound(`No folder with id ${id}`);
  return row;
}

/**
 * Takes the row of `path` for a new folder: a removed one comes back, else one is inserted. Of two requests
 * racing for one path, exactly one gets it.
 */
async function claimFolderRow(
  ctx: RequestContext,
  path: string,
  viewer: UserView,
  metadata: Metadata | null,
): Promise<boolean> {
  const fresh = { createdAt: new Date(), createdBy: viewer.id, metadata };
  const revived = await ctx.em.nativeUpdate(Folder, { path, deletedAt: { $ne: null } }, { ...fresh, deletedAt: null });
  if (revived === 1) return true;
  const inserted = await ctx.em
    .createQueryBuilder(Folder)
    .insert({ id: newId(), path, ...fresh })
    .onConflict('path')
    .ignore()
    .execute('run');
  return inserted.affectedRows === 1;
}

/** A new folder, and those above it that are missing; a folder that is there already is a conflict. */
export async function createFolderRecord(ctx: RequestContext, rawPath: string, metadata?: unknown): Promise<Folder> {
  const viewer = requireRole(ctx, folderAccess.role, 'create folders');
  const path = checkedFolderPath(rawPath);
  if (path === ROOT) throw new BadInput('The root folder "/" is always there');
  // Stored in the shape every later write gives it (tags as a list), as an asset's is on upload.
  const checked = metadata == null ? null : mergedMetadata({}, checkedMetadata(metadata));
  if (await folderExists(ctx.em, path)) throw new Conflict(`Folder ${path} exists already`);
  await ensureFolderRows(ctx.em, parentOf(path) ?? ROOT, viewer);
  if (!(await claimFolderRow(ctx, path, viewer, checked))) throw new Conflict(`Folder ${path} exists already`);
  return ctx.em.findOneOrFail(Folder, { path, deletedAt: null }, { refresh: true });
}

/** Sets the fields given; a field set to null is removed, the others are kept. */
export async function updateFolderMetadata(ctx: RequestContext, id: string, metadata: unknown): Promise<Folder> {
  requireRole(ctx, folderAccess.role, 'change folders');
  const changes = checkedMetadata(metadata);
  return withMetadataChanged(ctx, await folderRecordById(ctx, id), changes);
}

/** As updateFolderMetadata, for the folder at `path` (GraphQL names folders by path). */
export async function updateFolderMetadataAt(ctx: RequestContext, path: string, metadata: unknown): Promise<Folder> {
  requireRole(ctx, folderAccess.role, 'change folders');
  const changes = checkedMetadata(metadata);
  return withMetadataChanged(ctx, await folderRecordByPath(ctx, path), changes);
}

async function withMetadataChanged(ctx: RequestContext, row: Folder, changes: Metadata): Promise<Folder> {
  row.metadata = mergedMetadata(row.metadata ?? {}, changes);
  await ctx.em.flush();
  return row;
}

/** Removes the folder as a folder removal does (soft, with the folders and assets in it); how many assets. */
export async function removeFolderRecord(ctx: RequestContext, id: string): Promise<number> {
  requireRole(ctx, folderAccess.role, 'remove folders');
  const row = await folderRecordById(ctx, id);
  return removeFolder(ctx, row.path);
}
