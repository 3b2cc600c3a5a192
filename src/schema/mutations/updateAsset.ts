import { updateAsset } from '../../resolvers/assets/assets.js';
import { AssetRef } from '../Asset.js';
import { builder } from '../builder.js';
import { govukInputFields } from '../govukFields.js';

const UpdateAssetInput = builder.inputType('UpdateAssetInput', {
  fields: (t) => ({
    name: t.string({ description: 'rename' }),
    folderPath: t.string({ description: 'move' }),
    metadata: t.field({ type: 'JSON', description: 'merged into the existing fields; a null value removes a field' }),
    ...govukInputFields(t),
  }),
});

builder.mutationField('updateAsset', (t) =>
  t.field({
    type: AssetRef,
    args: {
      id: t.arg.id({ required: true }),
      input: t.arg({ type: UpdateAssetInput, required: true }),
    },
    resolve: (_root, { id, input }, ctx) => updateAsset(ctx, id, input),
  }),
);
