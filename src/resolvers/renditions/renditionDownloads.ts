import type { RequestContext } from '../../context.js';
import type { Asset } from '../../db/entities/Asset.js';
import type { Rendition } from '../../db/entities/Rendition.js';
import { Conflict, NotFound } from '../../errors.js';
import { RenderSlotsFull } from '../../renditions/RenderSlots.js';
import {
  extensionOf,
  isRenderable,
  type RenditionSpec,
  STANDARD_RENDITIONS,
  variantOf,
} from '../../renditions/renditionSpecs.js';
import { findReadableAsset } from '../assets/assetLookups.js';
import { servable } from '../policy/servability.js';
import { linkAllows, linkAllowsPreset, linkOpening } from '../policy/sharing.js';
import { type RenditionRequest, type ResolvedRendition, resolveRendition } from './renditionRequests.js';

/** A rendition ready to be sent: its stored bytes and the name the browser gets. */
export interface RenditionDownload {
  asset: Asset;
  rendition: Rendition & { blobKey: string; contentType: string; size: number };
  filename: string;
}

function filenameOf(asset: Asset, label: string, contentType: string): string {
  const stem = asset.name.replace(/\.[^.]*$/, '');
  return `${stem}_${label}.${extensionOf(contentType)}`;
}

/**
 * The stored rendition of the asset's current file, made now if it is one made on request (a preset, a box,
 * a watermarked one). The thumbnail and preview are the queue's: until made, CONFLICT, which WoodWing's
 * client retries as "not available yet"; a file that has none is NOT_FOUND with the reason. A box asked for
 * in the URL (`sizeFromUrl`) is made only while the file has fewer than RENDITION_MAX_SIZES_PER_FILE of
 * them; past that, the nearest rendition every image has is served instead: the thumbnail for a box
 * within the thumbnail's, else the preview. A request that would wait behind RENDITION_MAX_WAITING others
 * for a render is CONFLICT too.
 */
export async function renditionOf(
  ctx: RequestContext,
  asset: Asset,
  spec: RenditionSpec,
  sizeFromUrl = false,
): Promise<RenditionDownload['rendition']> {
  const noun = spec.width <= STANDARD_RENDITIONS.thumbnail.width ? 'thumbnail' : 'preview';
  if (!isRenderable(asset.contentType)) {
    throw new NotFound(`Asset ${asset.id} has no ${noun}: files of type ${asset.contentType} get none`);
  }
  const variant = variantOf(spec);
  const { store } = ctx.renditions;
  let rendition = await store.find(ctx.em, asset.sha256, variant);
  if (!rendition || rendition.state === 'PENDING') {
    if (variant in STANDARD_RENDITIONS) {
      if (!rendition) await ctx.renditions.enqueue(ctx.em, asset);
      throw new Conflict(`The ${noun} of asset ${asset.id} is being made; try again in a moment`);
    }
    if (sizeFromUrl && (await store.countBoxes(ctx.em, asset.sha256)) >= ctx.config.renditions.maxSizesPerFile) {
      const { thumbnail, preview } = STANDARD_RENDITIONS;
      const nearest = spec.width <= thumbnail.width && spec.height <= thumbnail.height ? thumbnail : preview;
      return renditionOf(ctx, asset, { ...nearest, watermark: spec.watermark });
    }
    rendition = await store.make(ctx.em, asset, spec, true).catch((error: unknown) => {
      if (!(error instanceof RenderSlotsFull)) throw error;
      throw new Conflict(`Too many renditions are being made right now; try again in a moment`);
    });
  }
  if (rendition.state !== 'READY' || !rendition.blobKey || !rendition.contentType || rendition.size == null) {
    throw new NotFound(`Asset ${asset.id} has no ${noun}: ${rendition.reason ?? 'it could not be made'}`);
  }
  return rendition as RenditionDownload['rendition'];
}

/**
 * A rendition for a WoodWing /preview or /thumbnail URL: to a user who may read the asset, or to the holder of
 * a shared link that opens it (a preset only if the link lists it). A watermarked link gets watermarked
 * renditions, made and kept apart from the clean ones, never those.
 */
export async function renditionForDownload(
  ctx: RequestContext,
  assetId: string,
  request: RenditionRequest,
  key?: string,
): Promise<RenditionDownload> {
  const resolved = await resolveRendition(ctx, request);
  let asset: Asset;
  let watermark = false;
  if (ctx.viewer) {
    asset = await findReadableAsset(ctx, assetId);
  } else {
    const { presetId } = resolved;
    const opened = await linkOpening(
      ctx,
      assetId,
      (authKey) => (presetId ? linkAllowsPreset(authKey, presetId) : linkAllows(authKey, resolved.file)),
      presetId ? 'rendition' : resolved.file === 'original' ? 'rendition of this size' : resolved.file,
      key,
    );
    asset = opened.asset;
    watermark = opened.authKey.watermarked;
  }
  return renditionDownloadOf(ctx, servable(asset), resolved, watermark);
}

async function renditionDownloadOf(
  ctx: RequestContext,
  asset: Asset,
  resolved: ResolvedRendition,
  watermark: boolean,
): Promise<RenditionDownload> {
  const rendition = await renditionOf(ctx, asset, { ...resolved.spec, watermark }, resolved.sizeFromUrl);
  return { asset, rendition, filename: filenameOf(asset, resolved.label, rendition.contentType) };
}

/** The thumbnail or preview of an asset the caller has already been let at (a signed URL's): no link, no mark. */
export async function standardRenditionOf(
  ctx: RequestContext,
  asset: Asset,
  kind: RenditionRequest['kind'],
): Promise<RenditionDownload> {
  return renditionDownloadOf(ctx, servable(asset), await resolveRendition(ctx, { kind }), false);
}
