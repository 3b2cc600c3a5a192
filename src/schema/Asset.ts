import { clearAllDataLoaders } from '@pothos/plugin-dataloader';
import type { RequestContext } from '../context.js';
import { ASSET_STATES, type AssetView } from '../db/entities/Asset.js';
import { assetChanges } from '../resolvers/assets/assetChanges.js';
import { firstHistoryOf, firstVersionsOf } from '../resolvers/assets/assetLists.js';
import { getAsset } from '../resolvers/assets/assetLookups.js';
import { fileUrlOf, readableReplacement } from '../resolvers/assets/assetViews.js';
import { assetPathOf } from '../resolvers/folders/paths.js';
import { checkedFirst, DEFAULT_LIST_SIZE, MAX_LIST_SIZE } from '../resolvers/listSizes.js';
import { AssetVersionRef } from './AssetVersion.js';
import { internalList, internalOrNull } from './assetInternals.js';
import { builder } from './builder.js';
import { CheckoutRef } from './Checkout.js';
import { HistoryEntryRef } from './HistoryEntry.js';
import { NodeRef } from './Node.js';
import { UserRef } from './User.js';

export const AssetStateEnum = builder.enumType('AssetState', {
  values: ASSET_STATES,
  description: 'UNSCANNED -> CLEAN -> UPLOADED, or INFECTED; bytes are served only once UPLOADED',
});

export const AssetRef = builder.objectRef<AssetView>('Asset');

AssetRef.implement({
  interfaces: [NodeRef],
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name', { description: 'current, sanitised filename' }),
    folderPath: t.exposeString('folderPath'),
    assetPath: t.string({ resolve: (asset) => assetPathOf(asset.folderPath, asset.name) }),
    contentType: t.exposeString('contentType'),
    size: t.float({ description: 'bytes', resolve: (asset) => asset.size }),
    md5: t.exposeString('md5'),
    sha256: t.exposeString('sha256'),
    state: t.field({ type: AssetStateEnum, resolve: (asset) => asset.state }),
    draft: t.exposeBoolean('draft'),
    deleted: t.boolean({ resolve: (asset) => asset.deletedAt != null }),
    deletedAt: t.field({ type: 'DateTime', nullable: true, resolve: (asset) => asset.deletedAt ?? null }),
    versionNumber: t.exposeInt('versionNumber'),
    versions: t.loadableList({
      type: AssetVersionRef,
      description: `the first versions, by number: \`first\` of them, at most ${MAX_LIST_SIZE}`,
      ...internalList,
      args: { first: t.arg.int({ defaultValue: DEFAULT_LIST_SIZE }) },
      byPath: true,
      load: (assetIds: string[], ctx: RequestContext, { first }) => firstVersionsOf(ctx, assetIds, checkedFirst(first)),
      resolve: (asset, { first }) => {
        checkedFirst(first);
        return asset.id;
      },
    }),
    metadata: t.field({ type: 'JSON', resolve: (asset) => asset.metadata }),
    checkout: t.field({
      type: CheckoutRef,
      nullable: true,
      description: 'null while not checked out',
      ...internalOrNull,
      resolve: (asset) => (asset.checkedOutBy ? asset : null),
    }),
    fileUrl: t.string({
      description: 'where the bytes are served: <public url>/media/<id>/<name>',
      resolve: (asset, _args, ctx) => fileUrlOf(ctx, asset),
    }),
    redirectUrl: t.string({ nullable: true, resolve: (asset) => asset.redirectUrl ?? null }),
    replacement: t.field({
      type: AssetRef,
      nullable: true,
      resolve: (asset, _args, ctx) => readableReplacement(ctx, asset),
    }),
    parentDocumentUrl: t.string({ nullable: true, resolve: (asset) => asset.parentDocumentUrl ?? null }),
    accessLimitedUserIds: t.stringList({ ...internalList, resolve: (asset) => asset.accessLimitedUserIds }),
    accessLimitedOrganisationIds: t.stringList({
      ...internalList,
      resolve: (asset) => asset.accessLimitedOrganisationIds,
    }),
    authBypassIds: t.stringList({ ...internalList, resolve: (asset) => asset.authBypassIds }),
    createdAt: t.field({ type: 'DateTime', resolve: (asset) => asset.createdAt }),
    modifiedAt: t.field({ type: 'DateTime', resolve: (asset) => asset.modifiedAt }),
    createdBy: t.field({
      type: UserRef,
      nullable: true,
      ...internalOrNull,
      resolve: (asset) => asset.createdBy?.id ?? null,
    }),
    modifiedBy: t.field({
      type: UserRef,
      nullable: true,
      ...internalOrNull,
      resolve: (asset) => asset.modifiedBy?.id ?? null,
    }),
    history: t.loadableList({
      type: HistoryEntryRef,
      description: `the first entries, oldest first: \`first\` of them, at most ${MAX_LIST_SIZE}`,
      ...internalList,
      args: { first: t.arg.int({ defaultValue: DEFAULT_LIST_SIZE }) },
      byPath: true,
      load: (assetIds: string[], ctx: RequestContext, { first }) => firstHistoryOf(ctx, assetIds, checkedFirst(first)),
      resolve: (asset, { first }) => {
        checkedFirst(first);
        return asset.id;
      },
    }),
  }),
});

builder.queryField('asset', (t) =>
  t.field({
    type: AssetRef,
    nullable: true,
    description: 'One asset by id, deleted ones included (see deleted); NOT_FOUND when there is none you may see',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => getAsset(ctx, id),
  }),
);

builder.subscriptionField('assetChanged', (t) =>
  t.field({
    type: AssetRef,
    description:
      'Every change of an asset: scan finished, checked out or in, metadata, file replaced, deleted, restored. Without id, every asset you may read',
    args: { id: t.arg.id() },
    subscribe: (_root, { id }, ctx) => assetChanges(ctx, id),
    resolve: (asset, _args, ctx) => {
      // Each event is resolved afresh (see assetChanges): the loaders of the dataloader plugin, kept per
      // context, must not answer it with the versions or users an earlier event loaded.
      clearAllDataLoaders(ctx);
      return asset;
    },
  }),
);
