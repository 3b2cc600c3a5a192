import { addToCollection, createCollection, removeFromCollection } from '../../resolvers/assets/collections.js';
import { AssetRef } from '../Asset.js';
import { builder } from '../builder.js';

const CreateCollectionInput = builder.inputType('CreateCollectionInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: '.collection is added when missing' }),
    folderPath: t.string({ description: '"/" when left out' }),
    metadata: t.field({ type: 'JSON' }),
  }),
});

builder.mutationFields((t) => ({
  createCollection: t.field({
    type: AssetRef,
    description: 'A collection: a container asset (<name>.collection) that holds assets through contains relations',
    args: { input: t.arg({ type: CreateCollectionInput, required: true }) },
    resolve: (_root, { input }, ctx) => createCollection(ctx, input),
  }),
  addToCollection: t.int({
    description: 'Adds assets to a collection you may manage; returns how many were not in it yet',
    args: { collectionId: t.arg.id({ required: true }), assetIds: t.arg.idList({ required: true }) },
    resolve: (_root, { collectionId, assetIds }, ctx) => addToCollection(ctx, collectionId, assetIds),
  }),
  removeFromCollection: t.int({
    description: 'Takes assets out of a collection you may manage; returns how many were in it',
    args: { collectionId: t.arg.id({ required: true }), assetIds: t.arg.idList({ required: true }) },
    resolve: (_root, { collectionId, assetIds }, ctx) => removeFromCollection(ctx, collectionId, assetIds),
  }),
}));
