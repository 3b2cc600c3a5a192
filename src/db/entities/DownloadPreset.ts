import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

export const DownloadPreset = defineEntity({
  name: 'DownloadPreset',
  tableName: 'download_presets',
  properties: {
    id: p.string().length(22).primary(),
    name: p.string().length(256).unique(),
    width: p.integer().nullable(),
    height: p.integer().nullable(),
    format: p.string().length(16),
    /** How the image meets width and height: sharp's fit (inside, cover, contain, fill, outside). */
    fit: p.string().length(16).default('inside'),
    /** 1 to 100 for lossy formats; null: the format's default. */
    quality: p.integer().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type DownloadPreset = InferEntity<typeof DownloadPreset>;
