import type { RequestContext } from '../../context.js';
import type { AssetView } from '../../db/entities/Asset.js';
import { publicPathOf } from '../folders/paths.js';
import { assetPolicy } from '../policy/access.js';
import { linkAllows } from '../policy/sharing.js';

/** The replacement, if there is one and the viewer may see it. */
export async function readableReplacement(ctx: RequestContext, asset: AssetView): Promise<AssetView | null> {
  if (!asset.replacement || !ctx.viewer) return null;
  const replacement = await ctx.loaders.assetViewById.load(asset.replacement.id);
  return replacement && assetPolicy.canRead(ctx.viewer, replacement) ? replacement : null;
}

/** Where the bytes are served (the GOV.UK media URL), with the name percent-encoded. */
export function fileUrlOf(ctx: RequestContext, asset: AssetView): string {
  const url = `${ctx.config.publicUrl}${publicPathOf(asset)}`;
  const shared = ctx.sharedLink;
  // The media URL serves the original: only a link that allows originals is handed on.
  return !ctx.viewer && shared && linkAllows(shared.authKey, 'original')
    ? `${url}?authKey=${encodeURIComponent(shared.key)}`
    : url;
}

/**
 * Whether the request may see who worked on an asset and how (history, versions, users, access lists).
 * A shared-link holder without a login sees the shared content only.
 */
export function seesAssetInternals(ctx: RequestContext): boolean {
  return ctx.viewer !== null;
}
