import { RENDITION_STATES } from '../db/entities/Rendition.js';
import {
  presetUrlOf,
  type RenditionView,
  renditionsOf,
  renditionUrlOf,
} from '../resolvers/renditions/assetRenditions.js';
import { AssetRef } from './Asset.js';
import { builder } from './builder.js';

const RenditionStateEnum = builder.enumType('RenditionState', {
  values: RENDITION_STATES,
  description: 'PENDING: being made; READY: served at url; NONE: the file has none (reason says why)',
});

const RenditionNameEnum = builder.enumType('RenditionName', { values: ['thumbnail', 'preview'] as const });

export const RenditionRef = builder.objectRef<RenditionView>('Rendition').implement({
  description: 'A thumbnail (fits 256 px) or preview (fits 1600 px) of an asset, made once after its scan',
  fields: (t) => ({
    name: t.field({ type: RenditionNameEnum, resolve: (rendition) => rendition.name }),
    state: t.field({ type: RenditionStateEnum, resolve: (rendition) => rendition.state }),
    url: t.string({ nullable: true, resolve: (rendition) => rendition.url }),
    contentType: t.string({ nullable: true, resolve: (rendition) => rendition.contentType }),
    width: t.int({ nullable: true, resolve: (rendition) => rendition.width }),
    height: t.int({ nullable: true, resolve: (rendition) => rendition.height }),
    size: t.float({ nullable: true, description: 'bytes', resolve: (rendition) => rendition.size }),
    reason: t.string({ nullable: true, resolve: (rendition) => rendition.reason }),
  }),
});

builder.objectFields(AssetRef, (t) => ({
  thumbnailUrl: t.string({
    nullable: true,
    description: 'Where the thumbnail is served (WoodWing /thumbnail URL); null for a file that gets none',
    resolve: (asset, _args, ctx) => renditionUrlOf(ctx, asset, 'thumbnail'),
  }),
  previewUrl: t.string({
    nullable: true,
    description: 'Where the preview is served (WoodWing /preview URL); null for a file that gets none',
    resolve: (asset, _args, ctx) => renditionUrlOf(ctx, asset, 'preview'),
  }),
  presetUrl: t.string({
    nullable: true,
    description:
      "Where the download preset's rendition is served, made on first request; null for a file that gets none",
    args: { presetId: t.arg.id({ required: true }) },
    resolve: (asset, { presetId }, ctx) => presetUrlOf(ctx, asset, String(presetId)),
  }),
  renditions: t.field({
    type: [RenditionRef],
    description: 'The thumbnail and preview of the current file and where each stands',
    resolve: (asset, _args, ctx) => renditionsOf(ctx, asset),
  }),
}));
