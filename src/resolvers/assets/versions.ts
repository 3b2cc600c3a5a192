import type { RequestContext } from '../../context.js';
import type { Asset } from '../../db/entities/Asset.js';
import { BadInput, NotFound } from '../../errors.js';
import { findManageableAsset } from './assetLookups.js';
import { flushAssetChanges, setNextVersion } from './assets.js';
import { recordHistory } from './history.js';

/**
 * Makes an earlier version's file, name and type the current ones again, as the next version (WoodWing's
 * version/promote): history keeps every version. Promoting the current version changes nothing.
 */
export async function promoteVersion(ctx: RequestContext, id: string, versionNumber: number): Promise<Asset> {
  if (!Number.isSafeInteger(versionNumber) || versionNumber < 1) {
    throw new BadInput('The version to promote is a version number: 1 or more');
  }
  const asset = await findManageableAsset(ctx, id, 'promote a version of');
  if (asset.deletedAt) throw new NotFound(`Asset ${id} is deleted; restore it first`);
  const versions = await ctx.loaders.versionsByAssetId.load(asset.id);
  const version = versions.find((candidate) => candidate.versionNumber === versionNumber);
  if (!version) throw new NotFound(`Asset ${id} has no version ${versionNumber}`);
  if (versionNumber === asset.versionNumber) return asset;
  setNextVersion(ctx, asset, { ...version, key: version.blobKey }, version.name, version.contentType);
  recordHistory(ctx, asset, 'REPLACE_FILE', { promotedVersion: versionNumber, name: version.name, size: version.size });
  await flushAssetChanges(ctx, asset, true);
  ctx.loaders.versionsByAssetId.clear(asset.id);
  return asset;
}
