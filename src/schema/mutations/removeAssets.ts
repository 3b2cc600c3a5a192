import { removeAssets } from '../../resolvers/bulk/bulkRemove.js';
import { builder } from '../builder.js';
import { ProcessRef } from '../Process.js';

const RemoveAssetsInput = builder.inputType('RemoveAssetsInput', {
  description: 'What to remove: the first of query, ids and folderPath that is given',
  fields: (t) => ({
    query: t.string({ description: 'every asset the query finds (at most 10,000)' }),
    ids: t.idList(),
    folderPath: t.string({ description: 'the folder, the folders below it and every asset in them' }),
  }),
});

builder.mutationField('removeAssets', (t) =>
  t.field({
    type: ProcessRef,
    description:
      'Deletes (softly) many assets; each one you may not delete counts as an error and the others go. With async: true it goes on in the background',
    args: {
      input: t.arg({ type: RemoveAssetsInput, required: true }),
      async: t.arg.boolean({ defaultValue: false }),
    },
    resolve: (_root, { input, async }, ctx) => removeAssets(ctx, input, { background: async }),
  }),
);
