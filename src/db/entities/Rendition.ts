import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

export const RENDITION_STATES = ['PENDING', 'READY', 'NONE'] as const;
/** PENDING: queued or being made; READY: its bytes are in the blob store; NONE: the file has no such rendition. */
export type RenditionState = (typeof RENDITION_STATES)[number];

/**
 * One rendition of one file's bytes, keyed by the file's sha256 and the variant's name ("thumbnail", "preview",
 * "preview-wm", "preset-..."): assets with identical files share their renditions, a new version gets its
 * own. The PENDING rows are the queue of the rendition worker, so queued work survives a restart.
 */
export const Rendition = defineEntity({
  name: 'Rendition',
  tableName: 'renditions',
  uniques: [{ properties: ['sourceSha256', 'variant'] }],
  indexes: [{ properties: ['state', 'nextAttemptAt'] }, { properties: ['blobKey'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    sourceSha256: p.string().length(64),
    variant: p.string().length(128),
    state: p.enum(() => RENDITION_STATES).$type<RenditionState>(),
    blobKey: p.string().length(128).nullable(),
    contentType: p.string().length(64).nullable(),
    size: p.bigint('number').nullable(),
    width: p.integer().nullable(),
    height: p.integer().nullable(),
    /** Why there is none (state NONE), in words a person can act on. */
    reason: p.string().length(512).nullable(),
    attempts: p.integer().default(0),
    /** A PENDING row is not taken before this: the lease of the worker that claimed it, or a retry's delay. */
    nextAttemptAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export type Rendition = InferEntity<typeof Rendition>;
