import { replaceAssetFile } from '../../resolvers/assets/assets.js';
import { AssetRef } from '../Asset.js';
import { builder } from '../builder.js';
import { incomingFile } from '../uploads.js';

builder.mutationField('replaceAssetFile', (t) =>
  t.field({
    type: AssetRef,
    description: 'Stores a new file as the next version, renamed after it, and scans it again',
    args: {
      id: t.arg.id({ required: true }),
      file: t.arg({ type: 'Upload', required: true }),
    },
    resolve: async (_root, { id, file }, ctx) => replaceAssetFile(ctx, id, await incomingFile(file)),
  }),
);
