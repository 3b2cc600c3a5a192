import type { DownloadPreset } from '../db/entities/DownloadPreset.js';
import { createDownloadPreset, listDownloadPresets } from '../resolvers/sharing/downloadPresets.js';
import { builder } from './builder.js';
import { NodeRef } from './Node.js';

export const DownloadPresetRef = builder.objectRef<DownloadPreset>('DownloadPreset').implement({
  interfaces: [NodeRef],
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    width: t.int({ nullable: true, resolve: (preset) => preset.width ?? null }),
    height: t.int({ nullable: true, resolve: (preset) => preset.height ?? null }),
    format: t.exposeString('format', { description: 'jpeg, png, webp, ...' }),
    fit: t.exposeString('fit', { description: 'inside, cover, contain, fill or outside (sharp fit)' }),
    quality: t.int({ nullable: true, resolve: (preset) => preset.quality ?? null }),
  }),
});

builder.queryFields((t) => ({
  downloadPresets: t.field({
    type: [DownloadPresetRef],
    description: 'The named renditions that shared links may allow',
    resolve: (_root, _args, ctx) => listDownloadPresets(ctx),
  }),
}));

const CreateDownloadPresetInput = builder.inputType('CreateDownloadPresetInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    width: t.int(),
    height: t.int(),
    format: t.string({ required: true, description: 'jpeg, png, webp, avif, gif or tiff' }),
    fit: t.string({ description: 'inside (the default), cover, contain, fill or outside' }),
    quality: t.int({ description: '1 to 100 for lossy formats; unset: the format default' }),
  }),
});

builder.mutationField('createDownloadPreset', (t) =>
  t.field({
    type: DownloadPresetRef,
    description: 'ADMIN only',
    args: { input: t.arg({ type: CreateDownloadPresetInput, required: true }) },
    resolve: (_root, { input }, ctx) => createDownloadPreset(ctx, input),
  }),
);
