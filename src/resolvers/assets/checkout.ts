import { type RequestContext, withEntityManager } from '../../context.js';
import { Asset, type Metadata } from '../../db/entities/Asset.js';
import { Conflict, Forbidden, NotFound } from '../../errors.js';
import { assetPolicy, requireViewer } from '../policy/access.js';
import { checkedMetadata, mergedMetadata, metadataModifications } from './assetFields.js';
import { findManageableAsset, findReadableAsset } from './assetLookups.js';
import { flushAssetChanges, setNextVersion, updateAsset } from './assets.js';
import { type IncomingFile, storeFile } from './files.js';
import { recordHistory } from './history.js';

const MAX_CLIENT_LENGTH = 256;

/** Who holds a lock: the client the request names, else the clientId of its login, else `defaultClient`. */
export interface CheckoutClient {
  client?: string | null;
  defaultClient: string;
}

async function reloaded(ctx: RequestContext, id: string): Promise<Asset> {
  const asset = await ctx.em.findOneOrFail(Asset, { id }, { refresh: true });
  ctx.loaders.assetById.clear(id).prime(id, asset);
  return asset;
}

/**
 * Locks the asset for the viewer. The lock is taken by one conditional UPDATE (`... where checked_out_by is
 * null`), so of two clients racing for it exactly one wins, on any number of instances. Checking out again
 * what one already holds returns the lock unchanged.
 */
export async function checkout(
  ctx: RequestContext,
  assetId: string,
  { client, defaultClient }: CheckoutClient,
): Promise<Asset> {
  const viewer = requireViewer(ctx);
  const asset = await findManageableAsset(ctx, assetId, 'check out');
  if (asset.deletedAt) throw new NotFound(`Asset ${assetId} is deleted; restore it first`);
  if (asset.checkedOutBy?.id === viewer.id) return asset;
  const clientName = (client || ctx.auth.session?.clientId || defaultClient).slice(0, MAX_CLIENT_LENGTH);

  // The lock and its CHECKOUT entry commit together.
  const taken = await ctx.em.transactional(async (em) => {
    const updated = await em.nativeUpdate(
      Asset,
      { id: asset.id, checkedOutBy: null, deletedAt: null },
      { checkedOutBy: viewer.id, checkedOutAt: new Date(), checkedOutOnClient: clientName },
    );
    if (updated === 1) recordHistory(withEntityManager(ctx, em), asset, 'CHECKOUT', { client: clientName });
    return updated;
  });
  const current = await reloaded(ctx, asset.id);
  if (taken !== 1) {
    // Something changed between our read and our update: say what, as a direct refusal would.
    if (current.deletedAt) throw new NotFound(`Asset ${assetId} is deleted; restore it first`);
    if (!current.checkedOutBy) throw new Conflict(`Asset ${assetId} changed while you checked it out; try again`);
    const holder = await ctx.loaders.userById.load(current.checkedOutBy.id);
    assetPolicy.assertNotLockedByOther(viewer, current, holder?.username);
    return current;
  }
  ctx.assetEvents.publish(current.id);
  return current;
}

function releaseLock(asset: Asset): void {
  asset.checkedOutBy = null;
  asset.checkedOutAt = null;
  asset.checkedOutOnClient = null;
}

/** Releases the lock: its holder may, and so may an ADMIN. Undoing a checkout that is not there changes nothing. */
export async function undoCheckout(ctx: RequestContext, assetId: string): Promise<Asset> {
  const viewer = requireViewer(ctx);
  const asset = await findReadableAsset(ctx, assetId);
  if (!asset.checkedOutBy) return asset;
  if (asset.checkedOutBy.id !== viewer.id && viewer.role !== 'ADMIN') {
    throw new Forbidden(`Only the user who checked out asset ${assetId}, or an ADMIN, may undo the checkout`);
  }
  const holderId = asset.checkedOutBy.id;
  releaseLock(asset);
  recordHistory(ctx, asset, 'UNDO_CHECKOUT', holderId === viewer.id ? null : { undoneForUserId: holderId });
  await ctx.em.flush();
  ctx.assetEvents.publish(asset.id);
  return asset;
}

/** The file as the next version under the asset's own name, from the lock holder, written with the next flush. */
async function addCheckedInFile(
  ctx: RequestContext,
  asset: Asset,
  file: IncomingFile,
  keepCheckout: boolean,
): Promise<void> {
  const blob = await storeFile(ctx, file);
  setNextVersion(ctx, asset, blob, asset.name);
  if (!keepCheckout) releaseLock(asset);
  recordHistory(ctx, asset, 'CHECKIN', { size: blob.size, keepCheckout });
}

/** Stores a new version from the lock holder and releases the lock unless asked to keep it. */
export async function checkin(
  ctx: RequestContext,
  assetId: string,
  file: IncomingFile,
  keepCheckout = false,
): Promise<Asset> {
  const viewer = requireViewer(ctx);
  const asset = await findManageableAsset(ctx, assetId, 'check in');
  if (asset.checkedOutBy?.id !== viewer.id) {
    throw new Conflict(`Asset ${assetId} is not checked out by you; check it out before checking in`);
  }
  await addCheckedInFile(ctx, asset, file, keepCheckout);
  await flushAssetChanges(ctx, asset, true);
  return asset;
}

export interface UpdateOrCheckInInput {
  /** Fields to set; a field set to null is removed. */
  metadata?: Metadata;
  /** `+item` and `-item` add to and remove from list fields (see metadataModifications). */
  parseMetadataModifications?: boolean;
  /** A check-in keeps the lock. */
  keepCheckout?: boolean;
}

/**
 * Changes the metadata and, given a file, stores it as the next version under the asset's own name. A file
 * from the holder of the checkout is a check-in (WoodWing's update, reference section 4): the version, its
 * CHECKIN entry, the released lock and the metadata are written in one flush, so all of them or none.
 * With nothing to change, the asset is answered as it is, to anyone who may read it.
 */
export async function updateOrCheckIn(
  ctx: RequestContext,
  assetId: string,
  input: UpdateOrCheckInInput,
  file?: IncomingFile | null,
): Promise<Asset> {
  const viewer = requireViewer(ctx);
  const current = await findReadableAsset(ctx, assetId);
  const given = checkedMetadata(input.metadata ?? {});
  const changes = input.parseMetadataModifications ? metadataModifications(current.metadata, given) : given;
  const metadata = Object.keys(changes).length > 0 ? changes : undefined;
  if (!file) return metadata ? updateAsset(ctx, assetId, { metadata }) : current;
  if (current.checkedOutBy?.id !== viewer.id) {
    return updateAsset(ctx, assetId, { metadata, name: current.name }, file);
  }
  const asset = await findManageableAsset(ctx, assetId, 'check in');
  if (metadata) asset.metadata = mergedMetadata(asset.metadata, metadata);
  await addCheckedInFile(ctx, asset, file, input.keepCheckout ?? false);
  if (metadata) recordHistory(ctx, asset, 'UPDATE_METADATA', { fields: ['metadata'] });
  await flushAssetChanges(ctx, asset, true);
  return asset;
}
