import type DataLoader from 'dataloader';
import type { RequestContext } from '../../context.js';
import type { Asset, AssetView } from '../../db/entities/Asset.js';
import { BadInput, Forbidden, NotFound } from '../../errors.js';
import { isWellFormedId } from '../../ids.js';
import { assetPolicy, requireViewer } from '../policy/access.js';

function checkedAssetId(id: string): string {
  if (!isWellFormedId(id))
    throw new BadInput(`${JSON.stringify(id)} is not an asset id (22 characters, A-Z a-z 0-9 - _)`);
  return id;
}

async function readableAsset<A extends AssetView>(
  ctx: RequestContext,
  id: string,
  loader: DataLoader<string, A | null>,
): Promise<A> {
  const viewer = requireViewer(ctx);
  const asset = await loader.load(checkedAssetId(id));
  if (!asset || !assetPolicy.canRead(viewer, asset)) throw new NotFound(`No asset with id ${id}`);
  return asset;
}

/** The asset if it exists and the viewer may see it; NOT_FOUND otherwise, so hidden drafts stay hidden. */
export function findReadableAsset(ctx: RequestContext, id: string): Promise<Asset> {
  return readableAsset(ctx, id, ctx.loaders.assetById);
}

/** The asset if the viewer may change it, and nobody else holds its checkout. */
export async function findManageableAsset(ctx: RequestContext, id: string, doing: string): Promise<Asset> {
  const viewer = requireViewer(ctx);
  const asset = await findReadableAsset(ctx, id);
  if (!assetPolicy.canManage(viewer, asset)) {
    throw new Forbidden(
      viewer.role === 'CONTRIBUTOR'
        ? `You may ${doing} only assets you created; asset ${id} was created by another user`
        : `Your role ${viewer.role} may not ${doing} assets`,
    );
  }
  const holder = asset.checkedOutBy ? await ctx.loaders.userById.load(asset.checkedOutBy.id) : null;
  assetPolicy.assertNotLockedByOther(viewer, asset, holder?.username);
  return asset;
}

/** The asset as `findReadableAsset` finds it, for answers that change nothing. */
export function getAsset(ctx: RequestContext, id: string): Promise<AssetView> {
  return readableAsset(ctx, id, ctx.loaders.assetViewById);
}

/** An asset for its managers only (GOV.UK Asset Manager's GET /assets/:id); a checkout does not matter here. */
export async function getManagedAsset(ctx: RequestContext, id: string): Promise<AssetView> {
  const viewer = requireViewer(ctx);
  const asset = await getAsset(ctx, id);
  if (!assetPolicy.canManage(viewer, asset)) throw new Forbidden(`You may not manage asset ${id}`);
  return asset;
}
