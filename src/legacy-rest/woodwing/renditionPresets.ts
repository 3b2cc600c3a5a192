import type { DownloadPreset } from '../../db/entities/DownloadPreset.js';
import { BadInput } from '../../errors.js';
import {
  createDownloadPreset,
  type DownloadPresetInput,
  listDownloadPresets,
  listEveryDownloadPreset,
  removeDownloadPresets,
  updateDownloadPreset,
} from '../../resolvers/sharing/downloadPresets.js';
import type { Endpoint } from './endpoint.js';
import type { WoodwingParams } from './params.js';
import { sendWoodwingJson } from './responses.js';

/** WoodWing's resizeMode and the fit it means here ("scale" keeps the whole picture, "crop" fills the box). */
const RESIZE_MODES: Record<string, string> = { scale: 'inside', crop: 'cover', fill: 'fill', pad: 'contain' };
const MODE_OF_FIT = Object.fromEntries(Object.entries(RESIZE_MODES).map(([mode, fit]) => [fit, mode]));

/** A preset as WoodWing's renditionpreset calls show it (reference section 7, rendition presets). */
function woodwingPresetOf(preset: DownloadPreset) {
  return {
    id: preset.id,
    name: preset.name,
    type: 'IMAGE_PRESET',
    renditionSettings: {
      format: preset.format === 'jpeg' ? 'jpg' : preset.format,
      maxWidth: preset.width ?? null,
      maxHeight: preset.height ?? null,
      quality: preset.quality ?? null,
      resizeMode: MODE_OF_FIT[preset.fit] ?? preset.fit,
    },
  };
}

function whole(value: unknown, name: string): number | null {
  if (value === undefined || value === null || value === '') return null;
  const number = Number(value);
  if (!Number.isInteger(number)) throw new BadInput(`renditionSettings.${name} must be a whole number`);
  return number;
}

/**
 * The preset of a save call: its JSON body (an object, or the Postman collection's one-element array), with
 * id and name also taken from the query.
 */
function savedPresetOf(params: WoodwingParams): { id: string | undefined; input: DownloadPresetInput } {
  const body = (Array.isArray(params.json) ? params.json[0] : params.json) as Record<string, unknown> | undefined;
  const settings = (body?.renditionSettings ?? {}) as Record<string, unknown>;
  const name = params.string('name') ?? (typeof body?.name === 'string' ? body.name : undefined);
  if (!name) throw new BadInput('name is required');
  const mode = typeof settings.resizeMode === 'string' ? settings.resizeMode : 'scale';
  const fit = RESIZE_MODES[mode];
  if (!fit) throw new BadInput(`renditionSettings.resizeMode is one of ${Object.keys(RESIZE_MODES).join(', ')}`);
  const id = params.string('id') || (typeof body?.id === 'string' && body.id !== '' ? body.id : undefined);
  return {
    id,
    input: {
      name,
      format: typeof settings.format === 'string' ? settings.format : 'jpg',
      width: whole(settings.maxWidth, 'maxWidth'),
      height: whole(settings.maxHeight, 'maxHeight'),
      quality: whole(settings.quality, 'quality'),
      fit,
    },
  };
}

/** WoodWing's /services/renditionpreset/*: list (for anyone logged in), listAll, save and remove (admins). */
export const renditionPresetEndpoints = {
  list: {
    async handle({ res, ctx }) {
      sendWoodwingJson(res, 200, (await listDownloadPresets(ctx)).map(woodwingPresetOf));
    },
  },

  listAll: {
    async handle({ res, ctx }) {
      sendWoodwingJson(res, 200, (await listEveryDownloadPreset(ctx)).map(woodwingPresetOf));
    },
  },

  save: {
    async handle({ res, ctx, params }) {
      const { id, input } = savedPresetOf(params);
      const preset = id ? await updateDownloadPreset(ctx, id, input) : await createDownloadPreset(ctx, input);
      sendWoodwingJson(res, 200, woodwingPresetOf(preset));
    },
  },

  remove: {
    async handle({ res, ctx, params }) {
      const ids = params.list('ids');
      if (!ids) throw new BadInput('ids (a comma list) is required');
      const removed = await removeDownloadPresets(ctx, ids);
      sendWoodwingJson(res, 200, { processedCount: removed, errorCount: ids.length - removed });
    },
  },
} satisfies Record<string, Endpoint>;
