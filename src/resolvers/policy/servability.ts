import type { AssetView } from '../../db/entities/Asset.js';
import { Conflict, NotFound } from '../../errors.js';

/** Whether the asset's bytes may be handed out now, on every surface: not deleted, and scanned clean (UPLOADED). */
export function isServable(asset: Pick<AssetView, 'deletedAt' | 'state'>): boolean {
  return !asset.deletedAt && asset.state === 'UPLOADED';
}

/** The asset if its bytes may be handed out now; else the error that says why not. */
export function servable<A extends AssetView>(asset: A): A {
  if (asset.deletedAt) throw new NotFound(`Asset ${asset.id} is deleted`);
  if (!isServable(asset)) {
    throw new Conflict(`The file of asset ${asset.id} is not available: it is ${asset.state.toLowerCase()}`);
  }
  return asset;
}
