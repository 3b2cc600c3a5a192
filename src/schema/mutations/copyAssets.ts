import { copyAssets } from '../../resolvers/bulk/pathTransfers.js';
import { builder } from '../builder.js';
import { ProcessRef } from '../Process.js';
import { TransferAssetsInput } from './moveAssets.js';

builder.mutationField('copyAssets', (t) =>
  t.field({
    type: ProcessRef,
    description:
      'Copies an asset or a folder with what in it you may see, as new assets of yours (CONTRIBUTOR or above); no byte is copied. With async: true it goes on in the background',
    args: {
      input: t.arg({ type: TransferAssetsInput, required: true }),
      async: t.arg.boolean({ defaultValue: false }),
    },
    resolve: (_root, { input, async }, ctx) => copyAssets(ctx, input, { background: async }),
  }),
);
