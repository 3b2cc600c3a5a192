import type { RequestContext } from '../../context.js';
import { DownloadPreset } from '../../db/entities/DownloadPreset.js';
import { BadInput, Conflict } from '../../errors.js';
import { newId } from '../../ids.js';
import { requireRole, requireViewer } from '../policy/access.js';
import { conflictIfTaken } from '../uniqueKeys.js';

export function listDownloadPresets(ctx: RequestContext): Promise<DownloadPreset[]> {
  requireViewer(ctx);
  return ctx.em.find(DownloadPreset, {}, { orderBy: { name: 'asc' } });
}

export interface DownloadPresetInput {
  name: string;
  width?: number | null;
  height?: number | null;
  format: string;
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

/** A named rendition that shared links may allow; producing the renditions comes later. */
export async function createDownloadPreset(ctx: RequestContext, input: DownloadPresetInput): Promise<DownloadPreset> {
  requireRole(ctx, 'ADMIN', 'create download presets');
  const name = input.name.trim();
  if (name === '' || name.length > 256) throw new BadInput('name must be 1 to 256 characters, not blank');
  const format = input.format.trim().toLowerCase().replace(/^jpg$/, 'jpeg');
  if (!PRESET_FORMATS.includes(format)) {
    throw new BadInput(`format must be one of ${PRESET_FORMATS.join(', ')}, got ${JSON.stringify(input.format)}`);
  }
  const width = checkedDimension('width', input.width);
  const height = checkedDimension('height', input.height);
  const taken = `A download preset named ${JSON.stringify(name)} already exists`;
  if (await ctx.em.count(DownloadPreset, { name })) throw new Conflict(taken);
  const preset = ctx.em.create(DownloadPreset, { id: newId(), name, width, height, format });
  await conflictIfTaken(() => ctx.em.flush(), taken);
  return preset;
}
