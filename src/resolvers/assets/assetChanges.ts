import type { RequestContext } from '../../context.js';
import { Asset } from '../../db/entities/Asset.js';
import { createLoaders } from '../loaders.js';
import { assetPolicy, requireViewer } from '../policy/access.js';
import { findReadableAsset } from './assetLookups.js';

/**
 * The assets that change from now on (one asset, or every one), each as it is after the change, and only
 * those the subscriber may read at that moment.
 */
export async function* assetChanges(ctx: RequestContext, id: string | null | undefined): AsyncGenerator<Asset> {
  const viewer = requireViewer(ctx);
  if (id != null) await findReadableAsset(ctx, id);
  for await (const changedId of ctx.assetEvents.subscribe()) {
    if (id != null && changedId !== id) continue;
    // A subscription lives long: each event is read and resolved as if it were a request of its own,
    // with a fresh EntityManager and fresh loaders, never from what an earlier event cached.
    const em = ctx.em.fork({ clear: true });
    const asset = await em.findOne(Asset, { id: changedId });
    if (!asset || !assetPolicy.canRead(viewer, asset)) continue;
    ctx.em = em;
    ctx.loaders = createLoaders(em);
    yield asset;
  }
}
