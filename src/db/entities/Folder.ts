import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { User } from './User.js';

/** A folder that exists in its own right, with or without assets in it. */
export const Folder = defineEntity({
  name: 'Folder',
  tableName: 'folders',
  properties: {
    id: p.string().length(22).primary(),
    path: p.string().length(2048).unique(),
    createdAt: p.datetime().onCreate(() => new Date()),
    createdBy: () => p.manyToOne(User).ref().nullable(),
    deletedAt: p.datetime().nullable(),
    metadata: p.json<Record<string, unknown>>().nullable(),
  },
});
export type Folder = InferEntity<typeof Folder>;
