import type { RequestContext } from '../../context.js';
import type { Asset } from '../../db/entities/Asset.js';
import { Conflict, NotFound, Unauthenticated } from '../../errors.js';
import { findReadableAsset } from '../assets/assets.js';
import { findUsableAuthKey } from '../sharing/authKeys.js';
import { sharedAssetIdsOf } from '../sharing/sharedLinks.js';
import { downloadableFile } from './downloads.js';

export type Rendition = 'preview' | 'thumbnail';

/** Image types every browser shows: until renditions are made, such an image is its own preview and thumbnail. */
const SELF_PREVIEWING_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif']);

/** Whether the asset has a preview and a thumbnail to serve (and so a previewUrl and thumbnailUrl). */
export function hasPreview(asset: Pick<Asset, 'contentType'>): boolean {
  return SELF_PREVIEWING_TYPES.has(asset.contentType.split(';')[0]?.trim().toLowerCase() ?? '');
}

function withPreview(asset: Asset, rendition: Rendition): Asset {
  if (!hasPreview(asset)) {
    // Not 409: WoodWing's own client retries a 409 as "not available yet", and this one never will be.
    throw new NotFound(
      `Asset ${asset.id} has no ${rendition}: previews are not generated yet; only JPEG, PNG, GIF, WebP and AVIF images are their own ${rendition}`,
    );
  }
  return asset;
}

/**
 * The asset whose bytes a WoodWing preview or thumbnail URL serves: to a user who may read it, or to the holder
 * of a shared link that shares it; thumbnails to every such holder, previews when the link allows previews (or
 * originals, which imply them). An unusable key looks like no key at all.
 */
export async function renditionForDownload(
  ctx: RequestContext,
  assetId: string,
  rendition: Rendition,
  key?: string,
): Promise<Asset> {
  if (ctx.viewer) {
    withPreview(await findReadableAsset(ctx, assetId), rendition);
    return downloadableFile(ctx, assetId);
  }
  if (!key) throw new Unauthenticated(`Log in, or open the ${rendition} with the authKey of a shared link`);
  const authKey = await findUsableAuthKey(ctx, key).catch(() => null);
  const asset = await ctx.loaders.assetById.load(assetId);
  const allowed = rendition === 'thumbnail' || authKey?.downloadPreview || authKey?.downloadOriginal;
  if (!authKey || !allowed || !asset || !(await sharedAssetIdsOf(ctx, authKey)).has(asset.id)) {
    throw new NotFound(`No ${rendition} of ${assetId} is shared by this link`);
  }
  if (asset.deletedAt) throw new NotFound(`Asset ${assetId} is deleted`);
  withPreview(asset, rendition);
  if (asset.state !== 'UPLOADED') {
    throw new Conflict(`The file of asset ${assetId} is not available: it is ${asset.state.toLowerCase()}`);
  }
  return asset;
}
