import { CONTAINER_EXTENSIONS } from '../../db/assetDomain.js';
import { BadInput, DomainError } from '../../errors.js';
import { addToCollection, removeFromCollection } from '../../resolvers/assets/collections.js';
import { actionOf, historyPage, logUsage } from '../../resolvers/assets/history.js';
import { createRelation, removeRelations } from '../../resolvers/assets/relations.js';
import { listFolder } from '../../resolvers/folders/folderListing.js';
import { createFolder } from '../../resolvers/folders/folders.js';
import { assetPathOf } from '../../resolvers/folders/paths.js';
import type { Call, Endpoint } from './endpoint.js';
import { folderPermissionsOf, permissionsOf } from './hits.js';
import { sendWoodwingJson } from './responses.js';
import { pagingOf } from './searchParams.js';

const USAGE_PARAMS = ['assetId', 'assetID', 'action'];

/** collection/add and collection/remove: `childIds` (a comma list) into or out of `collectionId`. */
function collectionChange(
  change: (ctx: Call['ctx'], collectionId: string, assetIds: string[]) => Promise<number>,
): Endpoint {
  return {
    async handle({ res, ctx, params }) {
      const collectionId = params.string('collectionId');
      const childIds = params.list('childIds');
      if (!collectionId || !childIds) throw new BadInput('collectionId and childIds (a comma list) are required');
      await change(ctx, collectionId, childIds);
      sendWoodwingJson(res, 200, {});
    },
  };
}

/** Folders, relations, collections and history: WoodWing's calls that organise what is stored. */
export const organizingEndpoints = {
  createFolder: {
    async handle({ res, ctx, params }) {
      const paths = params.all('path');
      if (!paths) throw new BadInput('path is required (it may be given several times)');
      const answer: Record<string, string> = {};
      for (const path of new Set(paths)) {
        try {
          const { status } = await createFolder(ctx, path);
          answer[path] = status === 'CREATED' ? 'created' : 'already exists';
        } catch (error) {
          // Each path gets its own answer (reference section 3): one bad path does not fail the others.
          if (!(error instanceof DomainError)) throw error;
          answer[path] = error.code === 'FORBIDDEN' ? 'access denied' : error.message;
        }
      }
      sendWoodwingJson(res, 200, answer);
    },
  },

  createRelation: {
    statusFor: { CONFLICT: 500 },
    async handle({ res, ctx, params }) {
      const relationType = params.string('relationType');
      const target1Id = params.string('target1Id');
      const target2Id = params.string('target2Id');
      if (!relationType || !target1Id || !target2Id) {
        throw new BadInput('relationType, target1Id (the parent) and target2Id (the child) are required');
      }
      await createRelation(ctx, { relationType, target1Id, target2Id });
      // "An empty 200 OK"; clients decode the body as JSON, so it is an empty object.
      sendWoodwingJson(res, 200, {});
    },
  },

  removeRelation: {
    async handle({ res, ctx, params }) {
      const ids = params.list('relationIds');
      if (!ids) throw new BadInput('relationIds is required: a comma-separated list');
      sendWoodwingJson(res, 200, await removeRelations(ctx, ids));
    },
  },

  'collection/add': collectionChange(addToCollection),
  'collection/remove': collectionChange(removeFromCollection),

  logUsage: {
    async handle({ res, ctx, params }) {
      // lcpaf's client sends assetId, WoodWing's Postman collection assetID; every other parameter is logged.
      const assetId = params.string('assetId') ?? params.string('assetID');
      const action = params.string('action');
      if (!assetId || !action) throw new BadInput('assetId and action (CUSTOM_ACTION_...) are required');
      const details: Record<string, string> = {};
      for (const name of params.names()) {
        if (!USAGE_PARAMS.includes(name)) details[name] = params.string(name) ?? '';
      }
      await logUsage(ctx, assetId, action, details);
      sendWoodwingJson(res, 200, {});
    },
  },

  'asset/history': {
    async handle({ res, ctx, params }) {
      const id = params.string('id');
      if (!id) throw new BadInput('id is required');
      const paging = pagingOf(params.integer('start') ?? 0, params.integer('num') ?? 50);
      const { asset, entries, total } = await historyPage(ctx, id, { actions: params.list('actions'), ...paging });
      const hits = entries.map((entry) => ({
        usageStatsRecord: {
          id: String(entry.id),
          logDate: entry.at.getTime(),
          userName: entry.username ?? null,
          action: actionOf(entry),
          assetId: asset.id,
          assetPath: assetPathOf(asset.folderPath, asset.name),
          assetDomain: asset.assetDomain,
          details: entry.details ?? null,
          versionNumber: entry.versionNumber ?? null,
        },
      }));
      sendWoodwingJson(res, 200, { totalHits: total, hits });
    },
  },

  browse: {
    async handle({ res, ctx, params }) {
      // DER SPIEGEL's client sends `path=` by default, and Assets answers the root for it; no path at all is
      // still refused.
      if (!params.sent('path')) throw new BadInput('path is required');
      const path = params.string('path') ?? '/';
      const extensions = params
        .list('includeExtensions')
        ?.map((extension) => extension.replace(/^\./, '').toLowerCase());
      const listing = await listFolder(ctx, path, {
        folders: params.boolean('includeFolders') ?? true,
        assets: params.boolean('includeAssets') ?? params.boolean('includeAsset') ?? true,
        extensions: extensions?.includes('all') ? null : (extensions ?? CONTAINER_EXTENSIONS),
      });
      const folders = listing.folders.map((folder) => ({
        name: folder.path.split('/').pop(),
        assetPath: folder.path,
        directory: true,
        collection: false,
        browsable: true,
        permissionMask: folderPermissionsOf(ctx),
        removing: false,
      }));
      const assets = listing.assets.map((asset) => {
        const container = CONTAINER_EXTENSIONS.includes(asset.extension);
        return {
          name: asset.name,
          assetPath: assetPathOf(asset.folderPath, asset.name),
          directory: false,
          collection: container,
          browsable: container,
          ...(container ? { containerId: asset.id } : {}),
          permissionMask: permissionsOf(ctx, asset),
          removing: false,
        };
      });
      sendWoodwingJson(res, 200, [...folders, ...assets]);
    },
  },
} satisfies Record<string, Endpoint>;
