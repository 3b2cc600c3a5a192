import type { AssetView } from '../db/entities/Asset.js';
import { checkin, checkout, undoCheckout } from '../resolvers/assets/checkout.js';
import { AssetRef } from './Asset.js';
import { internalOrNull } from './assetInternals.js';
import { builder } from './builder.js';
import { UserRef } from './User.js';
import { incomingFile } from './uploads.js';

/** The lock on an asset; resolved from the asset's own columns. */
export const CheckoutRef = builder.objectRef<AssetView>('Checkout').implement({
  fields: (t) => ({
    checkedOut: t.field({ type: 'DateTime', resolve: (asset) => asset.checkedOutAt as Date }),
    checkedOutBy: t.string({
      description: 'username',
      resolve: async (asset, _args, ctx) =>
        (asset.checkedOutBy && (await ctx.loaders.userById.load(asset.checkedOutBy.id))?.username) ?? '',
    }),
    checkedOutOnClient: t.string({ resolve: (asset) => asset.checkedOutOnClient ?? '' }),
    user: t.field({
      type: UserRef,
      nullable: true,
      ...internalOrNull,
      resolve: (asset) => asset.checkedOutBy?.id ?? null,
    }),
  }),
});

builder.mutationFields((t) => ({
  checkout: t.field({
    type: CheckoutRef,
    description: 'Locks the asset for you: others may read, download and share it, but not change it',
    args: {
      assetId: t.arg.id({ required: true }),
      client: t.arg.string({ description: 'names the client holding the lock; default: the clientId given at login' }),
    },
    resolve: (_root, { assetId, client }, ctx) => checkout(ctx, assetId, { client, defaultClient: 'graphql' }),
  }),
  undoCheckout: t.field({
    type: AssetRef,
    description: 'Releases the lock without a new version (its holder, or an ADMIN)',
    args: { assetId: t.arg.id({ required: true }) },
    resolve: (_root, { assetId }, ctx) => undoCheckout(ctx, assetId),
  }),
  checkin: t.field({
    type: AssetRef,
    description: 'Stores the file as the next version and releases the lock unless keepCheckout is true',
    args: {
      assetId: t.arg.id({ required: true }),
      file: t.arg({ type: 'Upload', required: true }),
      keepCheckout: t.arg.boolean(),
    },
    resolve: async (_root, { assetId, file, keepCheckout }, ctx) =>
      checkin(ctx, assetId, await incomingFile(file), keepCheckout ?? false),
  }),
}));
