import type { Asset } from '../db/entities/Asset.js';
import { builder } from './builder.js';
import { UserRef } from './User.js';

/** The lock on an asset; resolved from the asset's own columns. */
export const CheckoutRef = builder.objectRef<Asset>('Checkout').implement({
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
      resolve: (asset, _args, ctx) => (asset.checkedOutBy ? ctx.loaders.userById.load(asset.checkedOutBy.id) : null),
    }),
  }),
});
