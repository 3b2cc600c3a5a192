import { deleteAsset, restoreAsset } from '../../resolvers/assets/assets.js';
import { AssetRef } from '../Asset.js';
import { builder } from '../builder.js';

builder.mutationFields((t) => ({
  deleteAsset: t.field({
    type: AssetRef,
    description: 'A soft delete: restoreAsset brings it back',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => deleteAsset(ctx, id),
  }),
  restoreAsset: t.field({
    type: AssetRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => restoreAsset(ctx, id),
  }),
}));
