import { uploadAsset } from '../../resolvers/assets/assets.js';
import { AssetRef } from '../Asset.js';
import { builder } from '../builder.js';
import { govukInputFields } from '../govukFields.js';
import { incomingFile } from '../uploads.js';

const UploadAssetInput = builder.inputType('UploadAssetInput', {
  fields: (t) => ({
    folderPath: t.string(),
    name: t.string(),
    metadata: t.field({ type: 'JSON' }),
    contentType: t.string(),
    ...govukInputFields(t),
  }),
});

builder.mutationField('uploadAsset', (t) =>
  t.field({
    type: AssetRef,
    description: 'Stores a new asset (CONTRIBUTOR or above). It is UNSCANNED until the scan has passed.',
    args: {
      file: t.arg({ type: 'Upload', required: true }),
      input: t.arg({ type: UploadAssetInput }),
    },
    resolve: async (_root, { file, input }, ctx) => uploadAsset(ctx, await incomingFile(file), input ?? {}),
  }),
);
