import { BadInput } from '../../errors.js';
import { freeNameIn } from '../../resolvers/assets/assetNaming.js';
import { uploadAsset } from '../../resolvers/assets/assets.js';
import { updateOrCheckIn } from '../../resolvers/assets/checkout.js';
import { createPlaceholder } from '../../resolvers/assets/collections.js';
import { checkedFilename } from '../../resolvers/assets/files.js';
import { promoteVersion } from '../../resolvers/assets/versions.js';
import { checkedFolderPath } from '../../resolvers/folders/paths.js';
import type { Endpoint } from './endpoint.js';
import { hitOf } from './hits.js';
import { metadataOf } from './metadataParams.js';
import type { WoodwingParams } from './params.js';
import { sendWoodwingJson } from './responses.js';

/** The parameters of create and update that are not metadata fields. */
const ASSET_PARAMS = [
  'Filedata',
  'metadataToReturn',
  'nextUrl',
  'autoRename',
  'folderPath',
  'assetPath',
  'name',
  'filename',
  'id',
  'clearCheckoutState',
  'keepMetadata',
  'parseMetadataModifications',
  'createVersion',
  'async',
];

function placeOf(params: WoodwingParams, fallbackName: string): { folderPath: string; name: string } {
  const assetPath = params.string('assetPath');
  if (assetPath) {
    const slash = assetPath.lastIndexOf('/');
    return { folderPath: checkedFolderPath(assetPath.slice(0, slash) || '/'), name: assetPath.slice(slash + 1) };
  }
  return {
    folderPath: checkedFolderPath(params.string('folderPath') ?? '/'),
    name: params.string('name') ?? params.string('filename') ?? fallbackName,
  };
}

/** WoodWing's create, update and version/promote: assets in and out, create and update answered with a hit. */
export const assetEndpoints = {
  create: {
    async handle({ res, ctx, params }) {
      const place = placeOf(params, params.file?.filename ?? '');
      if (!params.file && place.name.trim() === '') {
        throw new BadInput('Send Filedata, or name the asset with name, filename or assetPath');
      }
      const metadata = metadataOf(params, ASSET_PARAMS);
      const name = await freeNameIn(
        ctx,
        place.folderPath,
        checkedFilename(place.name),
        params.boolean('autoRename') ?? true,
      );
      const asset = params.file
        ? await uploadAsset(ctx, params.file, { ...place, name, metadata })
        : await createPlaceholder(ctx, { ...place, name, metadata });
      sendWoodwingJson(res, 200, await hitOf(ctx, asset, { fields: params.list('metadataToReturn') }));
    },
  },

  update: {
    async handle({ res, ctx, params }) {
      const id = params.string('id');
      if (!id) throw new BadInput('id is required');
      const input = {
        metadata: metadataOf(params, ASSET_PARAMS),
        parseMetadataModifications: params.boolean('parseMetadataModifications') ?? true,
        keepCheckout: params.boolean('clearCheckoutState') === false,
      };
      const asset = await updateOrCheckIn(ctx, id, input, params.file);
      sendWoodwingJson(res, 200, await hitOf(ctx, asset, { fields: params.list('metadataToReturn') }));
    },
  },

  'version/promote': {
    async handle({ res, ctx, params }) {
      const assetId = params.string('assetId');
      const version = params.integer('version');
      if (!assetId || version === undefined) throw new BadInput('assetId and version are required');
      await promoteVersion(ctx, assetId, version);
      sendWoodwingJson(res, 200, {});
    },
  },
} satisfies Record<string, Endpoint>;
