import type { RequestContext } from '../../context.js';
import { extensionOf } from '../../db/assetDomain.js';
import { Asset } from '../../db/entities/Asset.js';
import { Conflict } from '../../errors.js';
import { folderExists } from '../folders/folderTree.js';

/** A name is taken in a folder by an asset that is not deleted. */
export class PathTaken extends Conflict {}

/**
 * WoodWing's create: with autoRename, a name already taken in the folder becomes `name-1.ext`, `name-2.ext`,
 * ...; without it, the clash is refused.
 */
export async function freeNameIn(ctx: RequestContext, folderPath: string, name: string, autoRename: boolean) {
  const taken = async (candidate: string) =>
    (await ctx.em.count(Asset, { folderPath, name: candidate, deletedAt: null })) > 0;
  if (!(await taken(name))) return name;
  if (!autoRename) throw new PathTaken(`${folderPath === '/' ? '' : folderPath}/${name} exists already`);
  for (let n = 1; ; n++) {
    const candidate = numberedName(name, n);
    if (!(await taken(candidate))) return candidate;
  }
}

/** WoodWing's renamed copy of a name that is taken: `stem-<n>.ext` (`name-<n>` without an extension). */
export function numberedName(name: string, n: number): string {
  const extension = extensionOf(name);
  return extension ? `${name.slice(0, -(extension.length + 1))}-${n}.${extension}` : `${name}-${n}`;
}

/** WoodWing's AUTO_RENAME of a folder that a copy or move would land on: `path-1`, `path-2`, ... */
export async function freeFolderPath(ctx: RequestContext, path: string): Promise<string> {
  for (let n = 1; ; n++) {
    const candidate = `${path}-${n}`;
    if (!(await folderExists(ctx.em, candidate))) return candidate;
  }
}
