import type { RequestContext } from '../../context.js';
import { DownloadPreset } from '../../db/entities/DownloadPreset.js';
import { BadInput, Conflict, NotFound } from '../../errors.js';
import { newId } from '../../ids.js';
import { FITS } from '../../renditions/renditionSpecs.js';
import { requireRole, requireViewer } from '../policy/access.js';
import { conflictIfTaken } from '../uniqueKeys.js';

export function listDownloadPresets(ctx: RequestContext): Promise<DownloadPreset[]> {
  requireViewer(ctx);
  return ctx.em.find(DownloadPreset, {}, { orderBy: { name: 'asc' } });
}

/** The same, as WoodWing's renditionpreset/listAll gives it: to administrators only. */
export function listEveryDownloadPreset(ctx: RequestContext): Promise<DownloadPreset[]> {
  requireRole(ctx, 'ADMIN', 'list every rendition preset');
  return listDownloadPresets(ctx);
}

export interface DownloadPresetInput {
  name: string;
  width?: number | null;
  height?: number | null;
  format: string;
  /** inside (the default), cover, contain, fill or outside: how the image meets width and height. */
  fit?: string | null;
  quality?: number | null;
}

export const PRESET_FORMATS = ['jpeg', 'png', 'webp', 'avif', 'gif', 'tiff'];
const MAX_DIMENSION = 20_000;

function checkedDimension(name: string, value: number | null | undefined): number | null {
  if (value == null) return null;
  if (!Number.isInteger(value) || value < 1 || value > MAX_DIMENSION) {
    throw new BadInput(`${name} must be a whole number of pixels from 1 to ${MAX_DIMENSION}, got ${value}`);
  }
  return value;
}

/** Every field of a preset, checked; the name's uniqueness is checked by the caller. */
function checkedFields(input: DownloadPresetInput) {
  const name = input.name.trim();
  if (name === '' || name.length > 256) throw new BadInput('name must be 1 to 256 characters, not blank');
  const format = input.format.trim().toLowerCase().replace(/^jpg$/, 'jpeg');
  if (!PRESET_FORMATS.includes(format)) {
    throw new BadInput(`format must be one of ${PRESET_FORMATS.join(', ')}, got ${JSON.stringify(input.format)}`);
  }
  const fit = input.fit ?? 'inside';
  if (!(FITS as readonly string[]).includes(fit)) {
    throw new BadInput(`fit must be one of ${FITS.join(', ')}, got ${JSON.stringify(fit)}`);
  }
  const quality = input.quality ?? null;
  if (quality !== null && (!Number.isInteger(quality) || quality < 1 || quality > 100)) {
    throw new BadInput(`quality must be a whole number from 1 to 100, got ${quality}`);
  }
  return {
    name,
    format,
    fit,
    quality,
    width: checkedDimension('width', input.width),
    height: checkedDimension('height', input.height),
  };
}

const takenMessage = (name: string) => `A download preset named ${JSON.stringify(name)} already exists`;

/** A named rendition that shared links may allow; it is rendered on first request and kept. */
export async function createDownloadPreset(ctx: RequestContext, input: DownloadPresetInput): Promise<DownloadPreset> {
  requireRole(ctx, 'ADMIN', 'create download presets');
  const fields = checkedFields(input);
  if (await ctx.em.count(DownloadPreset, { name: fields.name })) throw new Conflict(takenMessage(fields.name));
  const preset = ctx.em.create(DownloadPreset, { id: newId(), ...fields });
  await conflictIfTaken(() => ctx.em.flush(), takenMessage(fields.name));
  return preset;
}

/**
 * Changes every field of a preset. Its renditions are keyed by their settings, so the changed preset's are
 * made anew and none made before is served for it.
 */
export async function updateDownloadPreset(
  ctx: RequestContext,
  id: string,
  input: DownloadPresetInput,
): Promise<DownloadPreset> {
  requireRole(ctx, 'ADMIN', 'change download presets');
  const preset = await ctx.em.findOne(DownloadPreset, { id });
  if (!preset) throw new NotFound(`No download preset with id ${id}`);
  const fields = checkedFields(input);
  if (await ctx.em.count(DownloadPreset, { name: fields.name, id: { $ne: id } })) {
    throw new Conflict(takenMessage(fields.name));
  }
  Object.assign(preset, fields);
  await conflictIfTaken(() => ctx.em.flush(), takenMessage(fields.name));
  return preset;
}

/** Removes presets by id; answers how many there were. Shared links that listed them no longer open them. */
export async function removeDownloadPresets(ctx: RequestContext, ids: readonly string[]): Promise<number> {
  requireRole(ctx, 'ADMIN', 'remove download presets');
  return ctx.em.nativeDelete(DownloadPreset, { id: { $in: [...new Set(ids)] } });
}
