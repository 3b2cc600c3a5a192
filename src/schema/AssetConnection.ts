import type { Asset } from '../db/entities/Asset.js';
import { type AssetPage, listAssets } from '../resolvers/assetListing.js';
import { AssetRef } from './Asset.js';
import { builder } from './builder.js';
import { edgesOf, PageInfoRef, pageInfoOf } from './PageInfo.js';

const AssetEdgeRef = builder.objectRef<{ cursor: string; node: Asset }>('AssetEdge').implement({
  fields: (t) => ({
    cursor: t.exposeString('cursor'),
    node: t.field({ type: AssetRef, resolve: (edge) => edge.node }),
  }),
});

export const AssetConnectionRef = builder.objectRef<AssetPage>('AssetConnection').implement({
  fields: (t) => ({
    edges: t.field({
      type: [AssetEdgeRef],
      resolve: (page) => edgesOf(page.assets, page),
    }),
    pageInfo: t.field({
      type: PageInfoRef,
      resolve: (page) => pageInfoOf(page),
    }),
    totalCount: t.int({ resolve: (page) => page.totalCount }),
  }),
});

builder.queryField('assets', (t) =>
  t.field({
    type: AssetConnectionRef,
    description: 'Assets you may see, a page at a time, newest first unless sorted otherwise',
    args: {
      first: t.arg.int({ description: 'page size, 0 to 500; 50 if left out' }),
      after: t.arg.string({ description: 'the endCursor of the page before' }),
      query: t.arg.string({
        description:
          'field:value terms, all of which must match; * and ? are wildcards (the full search syntax comes later)',
      }),
      folderPath: t.arg.string({ description: 'only the assets directly in this folder' }),
      includeDeleted: t.arg.boolean(),
      sort: t.arg.string({
        description: 'a comma list of field-asc / field-desc over name, createdAt, modifiedAt, size',
      }),
    },
    resolve: (_root, args, ctx) => listAssets(ctx, args),
  }),
);
