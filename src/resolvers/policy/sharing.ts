import type { RequestContext } from '../../context.js';
import type { Asset, AssetView } from '../../db/entities/Asset.js';
import type { AuthKey } from '../../db/entities/AuthKey.js';
import { NotFound, Unauthenticated } from '../../errors.js';
import { usableAuthKeyOf } from '../sharing/authKeys.js';
import { sharedAssetIdsOf } from '../sharing/sharedLinks.js';

/** The files of an asset that a shared link may hand out. */
export type SharedFile = 'original' | 'preview' | 'thumbnail';

/**
 * What a shared link allows of the assets it shares: a thumbnail always, a preview when it allows previews
 * or originals (an original implies a preview, seed 001), the original only when it allows originals.
 */
export function linkAllows(authKey: AuthKey, file: SharedFile): boolean {
  switch (file) {
    case 'original':
      return authKey.downloadOriginal;
    case 'preview':
      return authKey.downloadPreview || authKey.downloadOriginal;
    case 'thumbnail':
      return true;
  }
}

/**
 * Whether the shared link with this key opens this file of the asset: the link still works, allows the file
 * and shares the asset. An unknown, expired or revoked key opens nothing; a failing look-up is an error.
 */
export async function sharedLinkOpens(
  ctx: RequestContext,
  key: string | undefined,
  asset: AssetView,
  file: SharedFile,
): Promise<boolean> {
  const authKey = key ? await usableAuthKeyOf(ctx, key) : null;
  if (!authKey || !linkAllows(authKey, file)) return false;
  return (await sharedAssetIdsOf(ctx, authKey)).has(asset.id);
}

const NOUNS: Record<SharedFile, string> = { original: 'file', preview: 'preview', thumbnail: 'thumbnail' };

/** The asset, to the holder of a shared link that opens this file of it. A key that does not looks like none. */
export async function assetOpenedByLink(
  ctx: RequestContext,
  assetId: string,
  file: SharedFile,
  key: string | undefined,
): Promise<Asset> {
  return (await linkOpening(ctx, assetId, (authKey) => linkAllows(authKey, file), NOUNS[file], key)).asset;
}

/**
 * The asset and the shared link that opens it, when the link works, shares the asset and `allows` what is
 * asked (named by `noun` in the errors). A key that does not looks like none.
 */
export async function linkOpening(
  ctx: RequestContext,
  assetId: string,
  allows: (authKey: AuthKey) => boolean,
  noun: string,
  key: string | undefined,
): Promise<{ asset: Asset; authKey: AuthKey }> {
  if (!key) throw new Unauthenticated(`Log in, or open the ${noun} with the authKey of a shared link`);
  const asset = await ctx.loaders.assetById.load(assetId);
  const authKey = asset ? await usableAuthKeyOf(ctx, key) : null;
  if (!asset || !authKey || !allows(authKey) || !(await sharedAssetIdsOf(ctx, authKey)).has(asset.id)) {
    throw new NotFound(`No ${noun} of asset ${assetId} is shared by this link`);
  }
  return { asset, authKey };
}

/** Whether a shared link allows renditions of this download preset (createAuthKey's downloadPresetIds). */
export function linkAllowsPreset(authKey: AuthKey, presetId: string): boolean {
  return authKey.downloadPresetIds.includes(presetId);
}
