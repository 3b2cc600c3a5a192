import type { RequestContext } from '../../context.js';
import type { Asset } from '../../db/entities/Asset.js';
import { findReadableAsset } from '../assets/assetLookups.js';
import { servable } from '../policy/servability.js';
import { assetOpenedByLink } from '../policy/sharing.js';

/** The asset, if its bytes may be handed out now: only an UPLOADED file is, on every surface. */
export async function downloadableFile(ctx: RequestContext, assetId: string): Promise<Asset> {
  return servable(await findReadableAsset(ctx, assetId));
}

/**
 * The original for a WoodWing file URL: to a user who may read it, or to the holder of a shared link that
 * shares it and allows originals.
 */
export async function originalForDownload(ctx: RequestContext, assetId: string, key?: string): Promise<Asset> {
  if (ctx.viewer) return downloadableFile(ctx, assetId);
  return servable(await assetOpenedByLink(ctx, assetId, 'original', key));
}
