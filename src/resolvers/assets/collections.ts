import { Readable } from 'node:stream';
import type { RequestContext } from '../../context.js';
import { extensionOf } from '../../db/assetDomain.js';
import type { Asset } from '../../db/entities/Asset.js';
import { AssetRelation } from '../../db/entities/AssetRelation.js';
import { BadInput, Conflict } from '../../errors.js';
import { isWellFormedId, newId } from '../../ids.js';
import { findManageableAsset } from './assetLookups.js';
import { assertMayUpload, DEFAULT_FOLDER, insertAsset } from './assets.js';
import { insertRelationIfUnjoined, relationsChanged, relationTarget } from './relations.js';

const COLLECTION_EXTENSION = 'collection';
const CONTAINS = 'contains';

export interface CollectionInput {
  name: string;
  folderPath?: string | null;
  metadata?: unknown;
}

function collectionName(name: string): string {
  return extensionOf(name) === COLLECTION_EXTENSION ? name : `${name}.${COLLECTION_EXTENSION}`;
}

/** A collection: a container asset named `<name>.collection`, its file a 0-byte placeholder, as WoodWing makes it. */
export async function createCollection(ctx: RequestContext, input: CollectionInput): Promise<Asset> {
  if (input.name.trim() === '') throw new BadInput('A collection needs a name');
  return createPlaceholder(ctx, { ...input, name: collectionName(input.name) });
}

/**
 * An asset made without a file from the client (WoodWing's create without Filedata): a 0-byte file that a
 * later update or check-in replaces. A name ending in `.collection` makes it a collection.
 */
export async function createPlaceholder(ctx: RequestContext, input: CollectionInput): Promise<Asset> {
  const owner = assertMayUpload(ctx);
  if (input.name.trim() === '') throw new BadInput('An asset without a file needs a name');
  const { name } = input;
  return insertAsset(
    ctx,
    { filename: name, stream: Readable.from([]) },
    { name, folderPath: input.folderPath ?? DEFAULT_FOLDER, metadata: input.metadata ?? null },
    owner,
    { placeholder: true },
  );
}

/** The collection, if the viewer may change what it holds. */
async function manageableCollection(ctx: RequestContext, id: string, doing: string): Promise<Asset> {
  const collection = await findManageableAsset(ctx, id, doing);
  if (collection.extension !== COLLECTION_EXTENSION) {
    throw new BadInput(`Asset ${id} (${collection.name}) is not a collection`);
  }
  if (collection.deletedAt) throw new BadInput(`Collection ${id} is deleted; restore it first`);
  return collection;
}

/**
 * Puts assets into a collection (`contains` relations); an asset already in it is left as it is. Returns how
 * many were added. An asset joined to the collection by a relation of another type cannot be added at all.
 */
export async function addToCollection(ctx: RequestContext, collectionId: string, assetIds: string[]): Promise<number> {
  const collection = await manageableCollection(ctx, collectionId, 'change the content of');
  const members = [...new Set(assetIds)];
  if (members.includes(collection.id)) throw new BadInput('A collection cannot contain itself');
  for (const id of members) await relationTarget(ctx, id);

  const joined = await ctx.em.find(AssetRelation, {
    $or: [
      { target1: collection.id, target2: { $in: members } },
      { target2: collection.id, target1: { $in: members } },
    ],
  });
  const clash = joined.find((relation) => relation.relationType !== CONTAINS || relation.target1.id !== collection.id);
  if (clash) {
    const other = clash.target1.id === collection.id ? clash.target2.id : clash.target1.id;
    throw new Conflict(`Asset ${other} is already related to collection ${collection.id} (${clash.relationType})`);
  }

  let added = 0;
  for (const id of members) {
    const relation = { id: newId(), relationType: CONTAINS, target1: collection.id, target2: id };
    if (await insertRelationIfUnjoined(ctx.em, { ...relation, createdBy: ctx.viewer })) added++;
  }
  if (added > 0) relationsChanged(ctx, [collection.id, ...members]);
  return added;
}

/** Takes assets out of a collection; returns how many were in it. */
export async function removeFromCollection(
  ctx: RequestContext,
  collectionId: string,
  assetIds: string[],
): Promise<number> {
  const collection = await manageableCollection(ctx, collectionId, 'change the content of');
  const members = [...new Set(assetIds)].filter(isWellFormedId);
  if (members.length === 0) return 0;
  const removed = await ctx.em.nativeDelete(AssetRelation, {
    relationType: CONTAINS,
    target1: collection.id,
    target2: { $in: members },
  });
  if (removed > 0) relationsChanged(ctx, [collection.id, ...members]);
  return removed;
}
