import type { RequestContext } from '../../context.js';
import type { Asset } from '../../db/entities/Asset.js';
import { Conflict, NotFound, Unauthenticated } from '../../errors.js';
import { findReadableAsset } from '../assets/assets.js';
import { findUsableAuthKey } from '../sharing/authKeys.js';
import { sharedAssetIdsOf } from '../sharing/sharedLinks.js';

function servable(asset: Asset, assetId: string): Asset {
  if (asset.deletedAt) throw new NotFound(`Asset ${assetId} is deleted`);
  if (asset.state !== 'UPLOADED') {
    throw new Conflict(`The file of asset ${assetId} is not available: it is ${asset.state.toLowerCase()}`);
  }
  return asset;
}

/** The asset, if its bytes may be handed out now: only an UPLOADED file is, on every surface. */
export async function downloadableFile(ctx: RequestContext, assetId: string): Promise<Asset> {
  return servable(await findReadableAsset(ctx, assetId), assetId);
}

/**
 * The original for a WoodWing file URL: to a user who may read it, or to the holder of a shared link that
 * shares it and allows originals. An unusable key looks like no key at all.
 */
export async function originalForDownload(ctx: RequestContext, assetId: string, key?: string): Promise<Asset> {
  if (ctx.viewer) return downloadableFile(ctx, assetId);
  if (!key) throw new Unauthenticated('Log in, or open the file with the authKey of a shared link');
  const authKey = await findUsableAuthKey(ctx, key).catch(() => null);
  const asset = await ctx.loaders.assetById.load(assetId);
  if (!authKey?.downloadOriginal || !asset || !(await sharedAssetIdsOf(ctx, authKey)).has(asset.id)) {
    throw new NotFound(`No file ${assetId} is shared by this link`);
  }
  return servable(asset, assetId);
}
