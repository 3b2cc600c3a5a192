import type { RequestContext } from '../../context.js';
import { Asset } from '../../db/entities/Asset.js';
import type { Process } from '../../db/entities/Process.js';
import { BadInput, Conflict, NotFound } from '../../errors.js';
import { findManageableAsset, findReadableAsset } from '../assets/assetLookups.js';
import { freeFolderPath, freeNameIn, PathTaken } from '../assets/assetNaming.js';
import { deleteAsset, updateAsset } from '../assets/assets.js';
import { checkedFilename } from '../assets/files.js';
import {
  copyAssetTo,
  copyFolderTree,
  moveFolderTree,
  removeFolderRowsIfEmpty,
  replicateFolderTree,
} from '../folders/folderContents.js';
import { findFolder } from '../folders/folders.js';
import { assetsInSubtree, lastSegmentOf, parentOf, ROOT, rebased } from '../folders/folderTree.js';
import { assetPathOf, pathProblem } from '../folders/paths.js';
import { assetPolicy, requireRole } from '../policy/access.js';
import type { QueryNode } from '../search/queryParser.js';
import { allOf, fieldIs } from '../search/queryTerms.js';
import { checkedQuery } from '../search/searchAssets.js';
import { ANCESTOR_PATHS } from '../search/searchFields.js';
import { type BulkJob, type BulkTally, countEach, runBulkJob } from './processes.js';
import { type AssetPlace, assetsMatching } from './queryTargets.js';

export const FOLDER_REPLACE_POLICIES = ['AUTO_RENAME', 'MERGE', 'THROW_EXCEPTION'] as const;
export type FolderReplacePolicy = (typeof FOLDER_REPLACE_POLICIES)[number];

export const FILE_REPLACE_POLICIES = [
  'AUTO_RENAME',
  'OVERWRITE',
  'OVERWRITE_IF_NEWER',
  'REMOVE_SOURCE',
  'THROW_EXCEPTION',
  'DO_NOTHING',
] as const;
export type FileReplacePolicy = (typeof FILE_REPLACE_POLICIES)[number];

/** WoodWing's copy and move (reference section 3; Help Center "move/rename" and "copy"). */
export interface TransferInput {
  /** The asset path or folder path to move or copy. */
  source: string;
  /** For an asset: its new asset path, or a folder that exists to put it in; for a folder: its new path. */
  target: string;
  /** When the target folder exists: AUTO_RENAME (default) to `target-1`, MERGE into it, or THROW_EXCEPTION. */
  folderReplacePolicy?: string | null;
  /** When an asset of the same name is at the target (see replaceOrSkip); AUTO_RENAME by default. */
  fileReplacePolicy?: string | null;
  /** Only the source assets this query finds. */
  filterQuery?: string | null;
  /** Every asset of the source folder and its subfolders lands directly in the target folder. */
  flattenFolders?: boolean | null;
}

type Mode = 'MOVE' | 'COPY';

function checkedPolicy<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new BadInput(`${name} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`);
}

function checkedPath(name: string, raw: string): string {
  const path = raw.length > 1 ? raw.replace(/\/+$/, '') : raw;
  const problem = pathProblem(path);
  if (problem) throw new BadInput(`Invalid ${name} ${JSON.stringify(raw)}: ${problem}`);
  return path;
}

/** The live asset that holds a name in a folder, whether or not the viewer may see it (it holds the name all the same). */
function assetAt(ctx: RequestContext, folderPath: string, name: string): Promise<Asset | null> {
  return ctx.em.findOne(Asset, { folderPath, name, deletedAt: null });
}

/** Whether the file of `a` was stored after that of `b` (OVERWRITE_IF_NEWER). */
function isNewer(a: Asset, b: Asset): boolean {
  return (a.fileStoredAt ?? a.modifiedAt).getTime() > (b.fileStoredAt ?? b.modifiedAt).getTime();
}

/**
 * When an asset already has the name at the target, fileReplacePolicy decides: AUTO_RENAME lands under a free
 * name (`name-1.ext`); OVERWRITE removes (softly, restorably) the one there first, OVERWRITE_IF_NEWER only
 * when the source's file is newer and else leaves both alone; REMOVE_SOURCE keeps the one there and removes
 * the source; THROW_EXCEPTION counts an error; DO_NOTHING leaves both alone. Answers the name to land under,
 * or null when nothing more is to be done (true: the source was handled; false: left alone).
 */
async function replaceOrSkip(
  ctx: RequestContext,
  source: Asset,
  folderPath: string,
  name: string,
  policy: FileReplacePolicy,
): Promise<string | boolean> {
  const there = await assetAt(ctx, folderPath, name);
  if (!there || there.id === source.id) return name;
  switch (policy) {
    case 'AUTO_RENAME':
      return freeNameIn(ctx, folderPath, name, true);
    case 'THROW_EXCEPTION':
      throw new PathTaken(`${assetPathOf(folderPath, name)} exists already`);
    case 'DO_NOTHING':
      return false;
    case 'REMOVE_SOURCE':
      await deleteAsset(ctx, source.id);
      return true;
    case 'OVERWRITE_IF_NEWER':
      if (!isNewer(source, there)) return false;
      await deleteAsset(ctx, there.id);
      return name;
    case 'OVERWRITE':
      await deleteAsset(ctx, there.id);
      return name;
  }
}

/** Moves or copies one asset to `folderPath`/`name`; false when it was left alone on purpose. */
async function transferOne(
  ctx: RequestContext,
  mode: Mode,
  id: string,
  folderPath: string,
  name: string,
  policy: FileReplacePolicy,
): Promise<boolean> {
  const source = mode === 'MOVE' ? await findManageableAsset(ctx, id, 'move') : await findReadableAsset(ctx, id);
  if (source.deletedAt) throw new NotFound(`Asset ${id} is deleted`);
  const landing = await replaceOrSkip(ctx, source, folderPath, name, policy);
  if (typeof landing === 'boolean') return landing;
  if (mode === 'MOVE') await updateAsset(ctx, id, { folderPath, name: landing });
  else await copyAssetTo(ctx, source, folderPath, landing);
  return true;
}

/** Whether the asset is among what the filter query finds. */
async function passesFilter(ctx: RequestContext, filter: QueryNode | null, id: string): Promise<boolean> {
  if (!filter) return true;
  const found = await assetsMatching(ctx, allOf(filter, fieldIs('id', id)));
  return found.some((asset) => asset.id === id);
}

function assetJob(
  mode: Mode,
  source: Asset,
  folderPath: string,
  name: string,
  policy: FileReplacePolicy,
  filter: QueryNode | null,
): BulkJob {
  return {
    operation: mode,
    run: (ctx, tally) =>
      countEach(ctx, tally, [source.id], async (itemCtx, id) =>
        (await passesFilter(itemCtx, filter, id)) ? transferOne(itemCtx, mode, id, folderPath, name, policy) : false,
      ),
  };
}

/** The live assets of the folder and below it, or those of them the filter finds. */
async function assetsBelow(ctx: RequestContext, folder: string, filter: QueryNode | null): Promise<AssetPlace[]> {
  if (!filter) return assetsInSubtree(ctx.em, folder, { includeDeleted: false });
  const found = await assetsMatching(ctx, allOf(filter, fieldIs(ANCESTOR_PATHS, folder)));
  // Belt and braces: only what lies in the folder, whatever the query said.
  return found.filter((asset) => asset.folderPath === folder || asset.folderPath.startsWith(`${folder}/`));
}

interface FolderPlan {
  mode: Mode;
  from: string;
  to: string;
  merge: boolean;
  filter: QueryNode | null;
  flatten: boolean;
  policy: FileReplacePolicy;
}

async function transferFolder(ctx: RequestContext, tally: BulkTally, plan: FolderPlan): Promise<void> {
  const { mode, from, to, filter, flatten } = plan;
  if (!plan.merge && !filter && !flatten) {
    // The whole tree at once, in one transaction.
    await tally.processed(mode === 'MOVE' ? await moveFolderTree(ctx, from, to) : await copyFolderTree(ctx, from, to));
    return;
  }
  const assets = await assetsBelow(ctx, from, filter);
  if (!filter && !flatten) await replicateFolderTree(ctx, from, to);
  const places = new Map(assets.map((asset) => [asset.id, asset]));
  await countEach(ctx, tally, [...places.keys()], async (itemCtx, id) => {
    const asset = places.get(id) as AssetPlace;
    const folderPath = flatten ? to : rebased(asset.folderPath, from, to);
    // A viewer does not copy what it may not see (as copyFolder); the asset is not counted either.
    if (mode === 'COPY' && !(await canSee(itemCtx, id))) return false;
    return transferOne(itemCtx, mode, id, folderPath, asset.name, plan.policy);
  });
  if (mode === 'MOVE' && !filter) await removeFolderRowsIfEmpty(ctx, from);
}

async function canSee(ctx: RequestContext, id: string): Promise<boolean> {
  const asset = await ctx.loaders.assetById.load(id);
  return asset !== null && ctx.viewer !== null && assetPolicy.canRead(ctx.viewer, asset);
}

async function folderJob(
  ctx: RequestContext,
  mode: Mode,
  from: string,
  target: string,
  folderPolicy: FolderReplacePolicy,
  rest: Omit<FolderPlan, 'mode' | 'from' | 'to' | 'merge'>,
): Promise<BulkJob> {
  if (mode === 'MOVE' && from === ROOT) throw new BadInput('The root folder "/" cannot be moved');
  if (target === from || from === ROOT || target.startsWith(`${from}/`)) {
    throw new Conflict(`Cannot put folder ${from} into itself or below itself (${target})`);
  }
  if (target === ROOT)
    throw new BadInput('The target of a folder is its new path, e.g. /Archive/2026; "/" is the root');
  let to = target;
  let merge = false;
  if (await findFolder(ctx.em, target)) {
    if (folderPolicy === 'THROW_EXCEPTION') throw new PathTaken(`Folder ${target} exists already`);
    if (folderPolicy === 'MERGE') merge = true;
    else to = await freeFolderPath(ctx, target);
  }
  const plan: FolderPlan = { mode, from, to, merge, ...rest };
  return { operation: mode, run: (ctx, tally) => transferFolder(ctx, tally, plan) };
}

/**
 * What a copy or move will do, checked before anything changes. The source is an asset when one is at that
 * path, else a folder. Moving an asset within its folder renames it.
 */
export async function transferJob(ctx: RequestContext, mode: Mode, input: TransferInput): Promise<BulkJob> {
  requireRole(ctx, 'CONTRIBUTOR', mode === 'MOVE' ? 'move assets' : 'copy assets');
  const folderPolicy = checkedPolicy(
    'folderReplacePolicy',
    input.folderReplacePolicy ?? 'AUTO_RENAME',
    FOLDER_REPLACE_POLICIES,
  );
  const policy = checkedPolicy('fileReplacePolicy', input.fileReplacePolicy ?? 'AUTO_RENAME', FILE_REPLACE_POLICIES);
  const source = checkedPath('source', input.source);
  const target = checkedPath('target', input.target);
  const filter = input.filterQuery?.trim() ? await checkedQuery(ctx, input.filterQuery) : null;

  const asset = source === ROOT ? null : await assetAt(ctx, parentOf(source) ?? ROOT, lastSegmentOf(source));
  if (asset && ctx.viewer && assetPolicy.canRead(ctx.viewer, asset)) {
    const there = target === ROOT ? null : await assetAt(ctx, parentOf(target) ?? ROOT, lastSegmentOf(target));
    const intoFolder = !there && (await findFolder(ctx.em, target)) !== null;
    const folderPath = intoFolder ? target : (parentOf(target) ?? ROOT);
    const name = intoFolder ? asset.name : checkedFilename(lastSegmentOf(target));
    if (folderPath === asset.folderPath && name === asset.name) {
      throw new BadInput(`source and target are the same asset (${source})`);
    }
    return assetJob(mode, asset, folderPath, name, policy, filter);
  }
  if (!(await findFolder(ctx.em, source))) throw new NotFound(`Nothing at ${source}: no asset and no folder`);
  return folderJob(ctx, mode, source, target, folderPolicy, { filter, flatten: input.flattenFolders ?? false, policy });
}

export async function moveAssets(
  ctx: RequestContext,
  input: TransferInput,
  options: { background?: boolean | null } = {},
): Promise<Process> {
  return runBulkJob(ctx, await transferJob(ctx, 'MOVE', input), options);
}

export async function copyAssets(
  ctx: RequestContext,
  input: TransferInput,
  options: { background?: boolean | null } = {},
): Promise<Process> {
  return runBulkJob(ctx, await transferJob(ctx, 'COPY', input), options);
}
