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
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type DownloadPreset = InferEntity<typeof DownloadPreset>;
