import type { RequestContext } from '../../context.js';
import { Asset } from '../../db/entities/Asset.js';
import type { AuthKey } from '../../db/entities/AuthKey.js';
import type { DownloadPreset } from '../../db/entities/DownloadPreset.js';
import { MAX_LIST_SIZE } from '../listSizes.js';
import { findUsableAuthKey, presetsOf } from './authKeys.js';
import { type ReviewDecision, reviewsOf } from './sharedLinkReviews.js';
import { containedBy } from './sharedLinks.js';

/** A shared container (a collection) and its current content. */
export interface SharedContainer {
  container: Asset;
  assets: Asset[];
}

/** Everything the holder of a key may see of it, grouped as the shared-link page shows it. */
export interface SharedLinkContents {
  authKey: AuthKey;
  key: string;
  /** The assets the key names itself, in its order. */
  assets: Asset[];
  /** The containers it shares, each with what it holds now, by name. */
  containers: SharedContainer[];
  /** The download presets it allows, by name. */
  presets: DownloadPreset[];
  /** This link's latest decision on each asset, when it asks for approval. */
  reviews: Map<string, ReviewDecision>;
  /** How many shared assets are left out past the list cap. */
  omitted: number;
}

const byName = (a: Asset, b: Asset) => a.name.localeCompare(b.name);

/**
 * Opens a shared link for its page: the key must still work. Marks the request as that key's, so that the
 * file URLs handed out carry it. At most MAX_LIST_SIZE assets are listed, the key's own first.
 */
export async function sharedLinkContentsOf(ctx: RequestContext, key: string): Promise<SharedLinkContents> {
  const authKey = await findUsableAuthKey(ctx, key);
  ctx.sharedLink = { authKey, key };
  const relations = await containedBy(ctx, authKey);
  const ids = [...authKey.assetIds, ...authKey.containerIds, ...relations.map((relation) => relation.target2.id)];
  const found = await ctx.em.find(Asset, { id: { $in: [...new Set(ids)] }, deletedAt: null });
  const byId = new Map(found.map((asset) => [asset.id, asset]));

  let room = MAX_LIST_SIZE;
  let omitted = 0;
  const take = (assets: Asset[]): Asset[] => {
    const taken = assets.slice(0, Math.max(room, 0));
    omitted += assets.length - taken.length;
    room -= taken.length;
    return taken;
  };
  const present = (list: string[]) => list.flatMap((id) => byId.get(id) ?? []);
  const assets = take(present(authKey.assetIds));
  const containers = present(authKey.containerIds).map((container) => {
    const held = relations.filter((relation) => relation.target1.id === container.id);
    return { container, assets: take(present(held.map((relation) => relation.target2.id)).sort(byName)) };
  });
  const shown = [...assets, ...containers.flatMap((entry) => entry.assets)];
  const [presets, reviews] = await Promise.all([
    presetsOf(ctx, authKey),
    authKey.requestApproval ? reviewsOf(ctx, authKey, shown) : new Map<string, ReviewDecision>(),
  ]);
  return { authKey, key, assets, containers, presets, reviews, omitted };
}
