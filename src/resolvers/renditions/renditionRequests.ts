import type { RequestContext } from '../../context.js';
import { DownloadPreset } from '../../db/entities/DownloadPreset.js';
import { BadInput } from '../../errors.js';
import { sideStepOf } from '../../renditions/renditionSizes.js';
import {
  type Fit,
  type OutputFormat,
  type RenditionSpec,
  STANDARD_RENDITIONS,
} from '../../renditions/renditionSpecs.js';
import type { SharedFile } from '../policy/sharing.js';

/** What a client asks of an asset's renditions: the thumbnail or preview, fitted into a box, or a preset's. */
export interface RenditionRequest {
  kind: 'thumbnail' | 'preview';
  /** ?size=n (an n x n box) or WoodWing's maxWidth_<w>_maxHeight_<h> path segment. */
  box?: { width: number; height: number } | undefined;
  presetId?: string | undefined;
}

export interface ResolvedRendition {
  spec: RenditionSpec;
  /** For the file name: "thumb", "preview", or the preset's name. */
  label: string;
  /** What a shared link must allow to hand it out; a preset is checked against the link's presets instead. */
  file: SharedFile;
  presetId?: string;
  /** A box asked for in the URL: counted against RENDITION_MAX_SIZES_PER_FILE. */
  sizeFromUrl?: boolean;
}

function checkedSide(name: string, value: number, maxSize: number): number {
  if (!Number.isInteger(value) || value < 1) throw new BadInput(`${name} must be a whole number of pixels, at least 1`);
  if (value > maxSize) {
    throw new BadInput(`${name} ${value} is over ${maxSize} pixels, the largest rendition this server makes`);
  }
  return value;
}

/** The box of a `size` query parameter: digits only, within the configured maximum. */
export function boxOfSize(raw: string, maxSize: number): { width: number; height: number } {
  if (!/^\d{1,6}$/.test(raw))
    throw new BadInput(`size must be a whole number of pixels, got ${JSON.stringify(raw.slice(0, 20))}`);
  const side = checkedSide('size', Number(raw), maxSize);
  return { width: side, height: side };
}

/** The box of WoodWing's `maxWidth_1600_maxHeight_1600` path segment (reference section 3, hit shape), if any. */
export function boxOfPath(path: string, maxSize: number): { width: number; height: number } | undefined {
  const match = /maxWidth_(\d{1,6})_maxHeight_(\d{1,6})/.exec(path);
  if (!match) return undefined;
  return {
    width: checkedSide('maxWidth', Number(match[1]), maxSize),
    height: checkedSide('maxHeight', Number(match[2]), maxSize),
  };
}

/**
 * The spec a request asks for, and what a shared link must allow for it: a box no larger than the
 * thumbnail is a thumbnail, one no larger than the preview a preview, a larger one only with the original's
 * right (it comes close to the original). A box from the URL has each side rounded up to a step (see
 * renditionSizes.ts), so that clients cannot have a file rendered at endless sizes. Unwatermarked: the
 * caller decides that.
 */
export async function resolveRendition(ctx: RequestContext, request: RenditionRequest): Promise<ResolvedRendition> {
  const watermark = false;
  const { maxSize } = ctx.config.renditions;
  if (request.presetId !== undefined) {
    const preset = await ctx.em.findOne(DownloadPreset, { id: request.presetId });
    if (!preset) throw new BadInput(`No download preset with id ${request.presetId}`);
    const spec: RenditionSpec = {
      width: Math.min(preset.width ?? maxSize, maxSize),
      height: Math.min(preset.height ?? maxSize, maxSize),
      fit: preset.fit as Fit,
      format: preset.format as OutputFormat,
      quality: preset.quality ?? undefined,
      watermark,
    };
    return { spec, label: preset.name, file: 'original', presetId: preset.id };
  }
  const standard = STANDARD_RENDITIONS[request.kind];
  const box = request.box
    ? { width: sideStepOf(request.box.width, maxSize), height: sideStepOf(request.box.height, maxSize) }
    : standard;
  const largest = Math.max(box.width, box.height);
  const file: SharedFile =
    largest <= STANDARD_RENDITIONS.thumbnail.width
      ? 'thumbnail'
      : largest <= STANDARD_RENDITIONS.preview.width
        ? 'preview'
        : 'original';
  return {
    spec: { ...standard, width: box.width, height: box.height, watermark },
    label: request.kind === 'thumbnail' ? 'thumb' : 'preview',
    file,
    sizeFromUrl: request.box !== undefined,
  };
}
