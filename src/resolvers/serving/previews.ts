import type { RequestContext } from '../../context.js';
import type { Asset } from '../../db/entities/Asset.js';
import { NotFound } from '../../errors.js';
import { findReadableAsset } from '../assets/assetLookups.js';
import { servable } from '../policy/servability.js';
import { assetOpenedByLink } from '../policy/sharing.js';

export type Rendition = 'preview' | 'thumbnail';

/** Image types every browser shows: until renditions are made, such an image is its own preview and thumbnail. */
const SELF_PREVIEWING_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif']);

/** Whether the asset has a preview and a thumbnail to serve (and so a previewUrl and thumbnailUrl). */
export function hasPreview(asset: Pick<Asset, 'contentType'>): boolean {
  return SELF_PREVIEWING_TYPES.has(asset.contentType.split(';')[0]?.trim().toLowerCase() ?? '');
}

/** The asset, if it has that rendition to serve; NOT_FOUND otherwise. */
export function withPreview(asset: Asset, rendition: Rendition): Asset {
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
 * of a shared link that opens that rendition of it (see linkAllows).
 */
export async function renditionForDownload(
  ctx: RequestContext,
  assetId: string,
  rendition: Rendition,
  key?: string,
): Promise<Asset> {
  const asset = ctx.viewer
    ? await findReadableAsset(ctx, assetId)
    : await assetOpenedByLink(ctx, assetId, rendition, key);
  return servable(withPreview(asset, rendition));
}
