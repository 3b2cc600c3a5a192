import { updateAssets } from '../../resolvers/bulk/bulkUpdate.js';
import { builder } from '../builder.js';
import { ProcessRef } from '../Process.js';

const UpdateAssetsInput = builder.inputType('UpdateAssetsInput', {
  fields: (t) => ({
    query: t.string({
      required: true,
      description: 'the assets to change: every one the query finds (at most 10,000)',
    }),
    metadata: t.field({
      type: 'JSON',
      required: true,
      description: "merged into each asset's fields; a null value removes a field. Not name, folderPath and the like",
    }),
    parseMetadataModifications: t.boolean({
      defaultValue: false,
      description: 'a string "+item" adds item to a list field and "-item" removes it (WoodWing updatebulk)',
    }),
  }),
});

builder.mutationField('updateAssets', (t) =>
  t.field({
    type: ProcessRef,
    description:
      'The same metadata change on many assets; each one you may not change counts as an error and the others change. With async: true it goes on in the background',
    args: {
      input: t.arg({ type: UpdateAssetsInput, required: true }),
      async: t.arg.boolean({ defaultValue: false }),
    },
    resolve: (_root, { input, async }, ctx) => updateAssets(ctx, input, { background: async }),
  }),
);
