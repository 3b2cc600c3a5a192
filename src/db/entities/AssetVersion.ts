import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { Asset } from './Asset.js';
import { User } from './User.js';

/** One stored file of an asset. The blob stays as long as any version points at it. */
export const AssetVersion = defineEntity({
  name: 'AssetVersion',
  tableName: 'asset_versions',
  uniques: [{ properties: ['asset', 'versionNumber'] }],
  indexes: [{ properties: ['blobKey'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    asset: () => p.manyToOne(Asset).ref().deleteRule('cascade'),
    versionNumber: p.integer(),
    name: p.string().length(512),
    contentType: p.string().length(256),
    size: p.bigint('number'),
    md5: p.string().length(32),
    sha256: p.string().length(64),
    blobKey: p.string().length(128),
    createdAt: p.datetime().onCreate(() => new Date()),
    createdBy: () => p.manyToOne(User).ref().nullable(),
  },
});
export type AssetVersion = InferEntity<typeof AssetVersion>;
