import type { RequestContext } from '../../context.js';
import { Asset } from '../../db/entities/Asset.js';
import { AssetRelation } from '../../db/entities/AssetRelation.js';
import type { AuthKey } from '../../db/entities/AuthKey.js';
import { User } from '../../db/entities/User.js';
import { Forbidden } from '../../errors.js';
import { newId } from '../../ids.js';
import { insertAsset } from '../assets/assets.js';
import type { IncomingFile } from '../assets/files.js';
import { findUsableAuthKey } from './authKeys.js';

export interface SharedLinkView {
  authKey: AuthKey;
  assets: Asset[];
}

/** The `contains` relations of the key's containers: what each holds now. */
export async function containedBy(ctx: RequestContext, authKey: AuthKey): Promise<AssetRelation[]> {
  if (authKey.containerIds.length === 0) return [];
  return ctx.em.find(AssetRelation, { target1: { $in: authKey.containerIds }, relationType: 'contains' });
}

/** The ids a key shares: its assets and the current content of its containers. */
export async function sharedAssetIdsOf(ctx: RequestContext, authKey: AuthKey): Promise<Set<string>> {
  const contained = await containedBy(ctx, authKey);
  return new Set([...authKey.assetIds, ...contained.map((relation) => relation.target2.id)]);
}

/** The shared assets and the current content of the shared containers, deleted ones left out. */
async function sharedAssetsOf(ctx: RequestContext, authKey: AuthKey): Promise<Asset[]> {
  const ids = await sharedAssetIdsOf(ctx, authKey);
  const assets = await ctx.em.find(Asset, { id: { $in: [...ids] }, deletedAt: null });
  // The key's own assets in its order, then the containers' content by name.
  const order = new Map(authKey.assetIds.map((id, index) => [id, index]));
  return assets.sort(
    (a, b) =>
      (order.get(a.id) ?? Number.MAX_SAFE_INTEGER) - (order.get(b.id) ?? Number.MAX_SAFE_INTEGER) ||
      a.name.localeCompare(b.name),
  );
}

/** What the holder of a key sees, with no login. Opening it marks the request as that key's. */
export async function openSharedLink(ctx: RequestContext, key: string): Promise<SharedLinkView> {
  const authKey = await findUsableAuthKey(ctx, key);
  ctx.sharedLink = { authKey, key };
  return { authKey, assets: await sharedAssetsOf(ctx, authKey) };
}

/** The key behind a shared link that asks for uploads: checked before any byte of a file is read. */
export async function linkAcceptingUploads(ctx: RequestContext, key: string): Promise<AuthKey> {
  const authKey = await findUsableAuthKey(ctx, key);
  if (!authKey.requestUpload) throw new Forbidden('This shared link does not accept uploads');
  return authKey;
}

/** A file sent through a shared link that asks for uploads: it goes into the key's import folder. */
export async function uploadToSharedLink(
  ctx: RequestContext,
  key: string,
  file: IncomingFile,
  metadata: unknown,
): Promise<Asset> {
  return storeSharedLinkUpload(ctx, await linkAcceptingUploads(ctx, key), file, metadata);
}

/** Stores a file sent through a link that linkAcceptingUploads let in, as its creator's, scanned like any upload. */
export async function storeSharedLinkUpload(
  ctx: RequestContext,
  authKey: AuthKey,
  file: IncomingFile,
  metadata: unknown,
): Promise<Asset> {
  const owner = authKey.createdBy ? await ctx.em.findOne(User, { id: authKey.createdBy.id }) : null;
  if (!owner) throw new Forbidden('The user who created this shared link no longer exists');
  const asset = await insertAsset(ctx, file, { folderPath: authKey.importFolderPath, metadata }, owner, {
    historyDetails: { authKeyId: authKey.id },
  });
  if (authKey.containerId) {
    ctx.em.create(AssetRelation, {
      id: newId(),
      relationType: 'contains',
      target1: ctx.em.getReference(Asset, authKey.containerId),
      target2: asset,
      createdBy: owner.id,
    });
    await ctx.em.flush();
  }
  return asset;
}
