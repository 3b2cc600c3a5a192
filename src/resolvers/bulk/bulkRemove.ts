import type { RequestContext } from '../../context.js';
import type { Process } from '../../db/entities/Process.js';
import { BadInput, NotFound } from '../../errors.js';
import { deleteAsset } from '../assets/assets.js';
import { removeFolder } from '../folders/folderContents.js';
import { assertNotRoot, findFolder } from '../folders/folders.js';
import { checkedFolderPath } from '../folders/paths.js';
import { requireViewer } from '../policy/access.js';
import { checkedQuery } from '../search/searchAssets.js';
import { type BulkJob, countEach, runBulkJob } from './processes.js';
import { idsMatching } from './queryTargets.js';

export interface RemoveTarget {
  query?: string | null | undefined;
  ids?: readonly string[] | null | undefined;
  folderPath?: string | null | undefined;
}

const removeEach =
  (ids: readonly string[]): BulkJob['run'] =>
  (ctx, tally) =>
    countEach(ctx, tally, ids, async (itemCtx, id) => {
      await deleteAsset(itemCtx, id);
      return true;
    });

/**
 * What WoodWing's remove will do, checked before anything is removed: by query, else by ids, else by folder
 * (the first of them given is used). An asset that may not be removed counts as an error; the others go.
 */
export async function removalJob(ctx: RequestContext, target: RemoveTarget): Promise<BulkJob> {
  requireViewer(ctx);
  if (target.query != null) {
    const query = await checkedQuery(ctx, target.query);
    return { operation: 'REMOVE', run: async (ctx, tally) => removeEach(await idsMatching(ctx, query))(ctx, tally) };
  }
  if (target.ids?.length) return { operation: 'REMOVE', run: removeEach(target.ids) };
  if (target.folderPath) {
    const path = checkedFolderPath(target.folderPath);
    assertNotRoot(path, 'removed');
    if (!(await findFolder(ctx.em, path))) throw new NotFound(`No folder ${path}`);
    return { operation: 'REMOVE', run: async (ctx, tally) => tally.processed(await removeFolder(ctx, path)) };
  }
  throw new BadInput('Say what to remove: q (a query), ids (comma-separated) or folderPath');
}

/** Removes softly, so that every removed asset can be restored. */
export async function removeAssets(
  ctx: RequestContext,
  target: RemoveTarget,
  options: { background?: boolean | null } = {},
): Promise<Process> {
  return runBulkJob(ctx, await removalJob(ctx, target), options);
}
