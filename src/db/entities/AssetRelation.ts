import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { Asset } from './Asset.js';
import { User } from './User.js';

/** A typed link between two assets; `contains` joins a collection (target1) to what it holds (target2). */
export const AssetRelation = defineEntity({
  name: 'AssetRelation',
  tableName: 'asset_relations',
  properties: {
    id: p.string().length(22).primary(),
    relationType: p.string().length(64),
    target1: () => p.manyToOne(Asset).ref().deleteRule('cascade'),
    target2: () => p.manyToOne(Asset).ref().deleteRule('cascade'),
    createdAt: p.datetime().onCreate(() => new Date()),
    createdBy: () => p.manyToOne(User).ref().nullable(),
  },
});
export type AssetRelation = InferEntity<typeof AssetRelation>;
