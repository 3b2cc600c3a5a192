import type { SignedFile } from '../../auth/urlSignatures.js';
import type { RequestContext } from '../../context.js';
import type { Asset } from '../../db/entities/Asset.js';
import { BadInput, Forbidden, NotFound } from '../../errors.js';
import { isWellFormedId } from '../../ids.js';
import { servable } from '../policy/servability.js';
import { type RenditionDownload, renditionForDownload, standardRenditionOf } from '../renditions/renditionDownloads.js';
import { downloadableFile } from './downloads.js';

export interface SignedUrl {
  assetId: string;
  signedUrl: string;
}

/** At most this many assets in one call: the ids come in the path. */
const MAX_ASSETS_PER_CALL = 100;

/** How long the URLs work: `validFor` seconds (the request note of WoodWing's collection), within the settings. */
function lifetimeOf(ctx: RequestContext, validFor: string | null): number {
  const { default: fallback, max } = ctx.config.signedUrlSeconds;
  if (validFor === null || validFor === '') return fallback;
  if (!/^\d+$/.test(validFor) || Number(validFor) < 1 || Number(validFor) > max) {
    // -1 ("never expires" in the collection's parameter note) lands here too: every signed URL expires.
    throw new BadInput(`validFor must be a whole number of seconds from 1 to ${max}, got ${JSON.stringify(validFor)}`);
  }
  return Number(validFor);
}

/** The file as the viewer may download it now: signing it hands it on, so only what the viewer could fetch. */
async function fileForSigning(ctx: RequestContext, assetId: string, file: SignedFile): Promise<Asset> {
  if (file === 'original') return downloadableFile(ctx, assetId);
  return (await renditionForDownload(ctx, assetId, { kind: file })).asset;
}

/**
 * URLs that serve one file of each asset with no login until they expire (WoodWing's v2 `signed-*-url`), for
 * a viewer who may download that file of every one of them now.
 */
export async function signedUrlsFor(
  ctx: RequestContext,
  assetIds: string[],
  file: SignedFile,
  validFor: string | null,
): Promise<SignedUrl[]> {
  if (assetIds.length === 0) throw new BadInput('Name at least one asset id');
  if (assetIds.length > MAX_ASSETS_PER_CALL) throw new BadInput(`At most ${MAX_ASSETS_PER_CALL} assets per call`);
  const expires = Math.floor(Date.now() / 1000) + lifetimeOf(ctx, validFor);
  const urls: SignedUrl[] = [];
  for (const assetId of assetIds) {
    const asset = await fileForSigning(ctx, assetId, file);
    const { signature } = ctx.urlSigner.sign(asset.id, file, expires);
    urls.push({
      assetId: asset.id,
      signedUrl: `${ctx.config.publicUrl}/api/asset/${asset.id}/${file}?expires=${expires}&signature=${signature}`,
    });
  }
  return urls;
}

/**
 * What a signed URL serves, to anyone who holds the URL: the asset's original, or its thumbnail or preview.
 * Refused when the signature is not this service's (FORBIDDEN), once it has expired (FORBIDDEN), and when the
 * asset is gone or not servable.
 */
export async function fileOfSignedUrl(
  ctx: RequestContext,
  assetId: string,
  file: SignedFile,
  expires: string,
  signature: string,
): Promise<{ original: Asset } | { rendition: RenditionDownload }> {
  const expiry = /^\d{1,12}$/.test(expires) ? Number(expires) : Number.NaN;
  if (!isWellFormedId(assetId) || Number.isNaN(expiry) || !ctx.urlSigner.holds(assetId, file, expiry, signature)) {
    throw new Forbidden('This signed URL is not valid: ask for a new one');
  }
  if (expiry * 1000 <= Date.now()) throw new Forbidden('This signed URL has expired: ask for a new one');
  const asset = await ctx.loaders.assetById.load(assetId);
  if (!asset) throw new NotFound(`No asset with id ${assetId}`);
  if (file === 'original') return { original: servable(asset) };
  return { rendition: await standardRenditionOf(ctx, asset, file) };
}
