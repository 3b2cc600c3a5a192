import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { RequestContext } from '../../context.js';
import { Asset } from '../../db/entities/Asset.js';
import { AssetVersion } from '../../db/entities/AssetVersion.js';
import { User, type UserView } from '../../db/entities/User.js';
import { Conflict, NotFound, ValidationFailed } from '../../errors.js';
import { isWellFormedId, newId } from '../../ids.js';
import type { StoredBlob } from '../../storage/BlobStore.js';
import { ensureFolders } from '../folders/folders.js';
import { assetPathOf, checkedFolderPath } from '../folders/paths.js';
import { requireRole } from '../policy/access.js';
import { isServable } from '../policy/servability.js';
import {
  type AssetFieldsInput,
  blankToNull,
  checkedIdList,
  checkedMetadata,
  mergedMetadata,
  validationMessages,
} from './assetFields.js';
import { findManageableAsset } from './assetLookups.js';
import { checkedFilename, contentTypeFor, type IncomingFile, storeFile, typeOfNewFile } from './files.js';
import { recordHistory } from './history.js';
import { assertLegacyPathFree, flushLegacyPathHolder } from './legacyPaths.js';

export const DEFAULT_FOLDER = '/';

function touch(ctx: RequestContext, asset: Asset): void {
  asset.modifiedAt = new Date();
  asset.modifiedBy = ctx.viewer ? ctx.em.getReference(User, ctx.viewer.id, { wrapped: true }) : null;
}

function addVersion(ctx: RequestContext, asset: Asset, blob: StoredBlob): void {
  ctx.em.create(AssetVersion, {
    asset,
    versionNumber: asset.versionNumber,
    name: asset.name,
    contentType: asset.contentType,
    size: blob.size,
    md5: blob.md5,
    sha256: blob.sha256,
    blobKey: blob.key,
    createdBy: ctx.viewer?.id ?? null,
  });
}

async function throwIfInvalid(
  ctx: RequestContext,
  asset: Asset,
  input: AssetFieldsInput,
  draftBefore: boolean,
): Promise<void> {
  const messages = await validationMessages(
    ctx,
    asset,
    { contentType: input.contentType, replacementId: blankToNull(input.replacementId) },
    draftBefore,
  );
  if (messages.length > 0) throw new ValidationFailed(messages);
}

/** Applies the fields every surface may set, except the name and folder (which are a move). */
function applyFields(ctx: RequestContext, asset: Asset, input: AssetFieldsInput): void {
  if (input.draft != null) asset.draft = input.draft;
  const redirectUrl = blankToNull(input.redirectUrl);
  if (redirectUrl !== undefined) asset.redirectUrl = redirectUrl;
  const parentDocumentUrl = blankToNull(input.parentDocumentUrl);
  if (parentDocumentUrl !== undefined) asset.parentDocumentUrl = parentDocumentUrl;
  const replacementId = blankToNull(input.replacementId);
  if (replacementId !== undefined) {
    asset.replacement =
      replacementId && isWellFormedId(replacementId)
        ? ctx.em.getReference(Asset, replacementId, { wrapped: true })
        : null;
  }
  if (input.accessLimitedUserIds != null) {
    asset.accessLimitedUserIds = checkedIdList('accessLimitedUserIds', input.accessLimitedUserIds);
  }
  if (input.accessLimitedOrganisationIds != null) {
    asset.accessLimitedOrganisationIds = checkedIdList(
      'accessLimitedOrganisationIds',
      input.accessLimitedOrganisationIds,
    );
  }
  if (input.authBypassIds != null) asset.authBypassIds = checkedIdList('authBypassIds', input.authBypassIds);
}

/**
 * Stores a file as a new asset owned by `owner`. Everything that can be checked without the bytes is
 * checked before they are read; the row is written only once the bytes are safely stored.
 */
export interface InsertOptions {
  /** Added to the CREATE history entry. */
  historyDetails?: Record<string, unknown>;
  /** Whitehall's legacy path and cache validators (GOV.UK Asset Manager). */
  legacy?: { urlPath: string; etag: string | null; lastModified: Date | null };
  /** A placeholder made without a file from the client: its file may be empty. */
  placeholder?: boolean;
}

export async function insertAsset(
  ctx: RequestContext,
  file: IncomingFile,
  input: AssetFieldsInput,
  owner: UserView,
  { historyDetails = {}, legacy, placeholder = false }: InsertOptions = {},
): Promise<Asset> {
  const name = checkedFilename(input.name || file.filename);
  const folderPath = checkedFolderPath(input.folderPath ?? DEFAULT_FOLDER);
  const metadata = input.metadata == null ? {} : mergedMetadata({}, checkedMetadata(input.metadata));
  const asset = ctx.em.create(
    Asset,
    {
      id: newId(),
      name,
      folderPath,
      contentType: contentTypeFor(name, blankToNull(input.contentType)),
      size: 0,
      md5: '',
      sha256: '',
      blobKey: '',
      state: 'UNSCANNED',
      metadata,
      versionNumber: 1,
      draft: false,
      accessLimitedUserIds: [],
      accessLimitedOrganisationIds: [],
      authBypassIds: [],
      createdBy: owner.id,
      modifiedBy: owner.id,
      legacyUrlPath: legacy?.urlPath ?? null,
      legacyEtag: legacy?.etag ?? null,
      legacyLastModified: legacy?.lastModified ?? null,
    },
    { persist: false },
  );
  applyFields(ctx, asset, input);
  await throwIfInvalid(ctx, asset, input, false);

  const blob = await storeFile(ctx, file, { mayBeEmpty: placeholder });
  Object.assign(asset, await typeOfNewFile(name, blob.head, blankToNull(input.contentType)), {
    size: blob.size,
    md5: blob.md5,
    sha256: blob.sha256,
    blobKey: blob.key,
    fileStoredAt: new Date(),
  });
  await ensureFolders(ctx, folderPath);
  ctx.em.persist(asset);
  addVersion(ctx, asset, blob);
  recordHistory(ctx, asset, 'CREATE', { name, folderPath, size: blob.size, ...historyDetails });
  await (legacy ? flushLegacyPathHolder(ctx) : ctx.em.flush());
  ctx.loaders.assetById.prime(asset.id, asset);
  ctx.scanQueue.wake();
  ctx.assetEvents.publish(asset.id);
  return asset;
}

/** Whether the viewer may upload at all: asked before a surface starts reading a file. */
export function assertMayUpload(ctx: RequestContext): UserView {
  return requireRole(ctx, 'CONTRIBUTOR', 'upload assets');
}

export async function uploadAsset(
  ctx: RequestContext,
  file: IncomingFile | null,
  input: AssetFieldsInput = {},
): Promise<Asset> {
  const owner = assertMayUpload(ctx);
  // GOV.UK Asset Manager's wording (reference section 3), which its clients show to people.
  if (!file) throw new ValidationFailed(["File can't be blank"]);
  return insertAsset(ctx, file, input, owner);
}

/** Makes `blob` the next version, scanned again before it is served; its type follows a new name unless given. */
export function setNextVersion(
  ctx: RequestContext,
  asset: Asset,
  blob: StoredBlob,
  name: string,
  contentType = name === asset.name ? asset.contentType : contentTypeFor(name),
): void {
  Object.assign(asset, {
    name,
    contentType,
    size: blob.size,
    md5: blob.md5,
    sha256: blob.sha256,
    blobKey: blob.key,
    state: 'UNSCANNED',
    scanAttempts: 0,
    nextScanAt: null,
    versionNumber: asset.versionNumber + 1,
    fileStoredAt: new Date(),
  });
  touch(ctx, asset);
  addVersion(ctx, asset, blob);
}

/**
 * Writes an asset's changes and lets the scanner look for new work. Two new files for one asset at once both
 * count from the same version; the unique (asset, version) index lets only the first through, and the second
 * gets CONFLICT.
 */
export async function flushAssetChanges(ctx: RequestContext, asset: Asset, newFile = false): Promise<void> {
  try {
    await ctx.em.flush();
  } catch (error) {
    if (!(error instanceof UniqueConstraintViolationException)) throw error;
    throw new Conflict(`Asset ${asset.id} got another new file while yours was arriving; reload it and try again`);
  }
  if (newFile) {
    // The scan of the previous file may have finished while this one arrived: the flush, which writes only
    // what changed since the asset was read, would then leave that verdict on the new file. Reset it.
    await ctx.em.nativeUpdate(
      Asset,
      { id: asset.id, sha256: asset.sha256 },
      { state: 'UNSCANNED', nextScanAt: null, scanAttempts: 0 },
    );
  }
  ctx.scanQueue.wake();
  // The previous file's renditions go unless another live asset has the same bytes.
  if (newFile) ctx.renditions.cleanup.wake();
  ctx.assetEvents.publish(asset.id);
}

/** A new file as the next version, named after the new file (as GOV.UK does). */
export async function replaceAssetFile(ctx: RequestContext, id: string, file: IncomingFile): Promise<Asset> {
  const asset = await findManageableAsset(ctx, id, 'replace the file of');
  if (asset.deletedAt) throw new NotFound(`Asset ${id} is deleted; restore it first`);
  const name = checkedFilename(file.filename);
  const blob = await storeFile(ctx, file);
  const previousName = asset.name;
  setNextVersion(ctx, asset, blob, name);
  recordHistory(ctx, asset, 'REPLACE_FILE', { previousName, name, size: blob.size });
  await flushAssetChanges(ctx, asset, true);
  return asset;
}

/** Changes the asset's fields and, given a file, stores it as the next version in the same step. */
export async function updateAsset(
  ctx: RequestContext,
  id: string,
  input: AssetFieldsInput,
  file?: IncomingFile,
): Promise<Asset> {
  const asset = await findManageableAsset(ctx, id, 'change');
  // As GOV.UK: a deleted draft may still be updated, a deleted live asset may not.
  if (asset.deletedAt && !asset.draft) throw new NotFound(`Asset ${id} is deleted; restore it first`);
  const fromPath = assetPathOf(asset.folderPath, asset.name);
  const draftBefore = asset.draft;

  const name = input.name != null ? checkedFilename(input.name) : asset.name;
  const folderPath = input.folderPath != null ? checkedFolderPath(input.folderPath) : asset.folderPath;
  const metadataChanges = input.metadata == null ? undefined : checkedMetadata(input.metadata);
  const explicitType = blankToNull(input.contentType);

  applyFields(ctx, asset, input);
  await throwIfInvalid(ctx, asset, input, draftBefore);
  if (metadataChanges) asset.metadata = mergedMetadata(asset.metadata, metadataChanges);
  if (file) {
    const blob = await storeFile(ctx, file);
    const newName = input.name != null ? name : checkedFilename(file.filename);
    recordHistory(ctx, asset, 'REPLACE_FILE', { previousName: asset.name, name: newName, size: blob.size });
    setNextVersion(ctx, asset, blob, newName);
  } else {
    if (name !== asset.name) asset.contentType = contentTypeFor(name);
    asset.name = name;
  }
  if (explicitType) asset.contentType = explicitType;
  if (folderPath !== asset.folderPath) await ensureFolders(ctx, folderPath);
  asset.folderPath = folderPath;

  const toPath = assetPathOf(folderPath, asset.name);
  if (!file && toPath !== fromPath) recordHistory(ctx, asset, 'MOVE', { from: fromPath, to: toPath });
  const changedFields = Object.keys(input).filter(
    (key) => key !== 'name' && key !== 'folderPath' && input[key as keyof AssetFieldsInput] !== undefined,
  );
  if (changedFields.length > 0) recordHistory(ctx, asset, 'UPDATE_METADATA', { fields: changedFields });
  touch(ctx, asset);
  await flushAssetChanges(ctx, asset, file !== undefined);
  return asset;
}

/** A soft delete: the asset and its bytes stay, hidden from listings, until restored. */
export async function deleteAsset(ctx: RequestContext, id: string): Promise<Asset> {
  const asset = await findManageableAsset(ctx, id, 'delete');
  if (asset.deletedAt) throw new NotFound(`Asset ${id} is already deleted`);
  asset.deletedAt = new Date();
  touch(ctx, asset);
  recordHistory(ctx, asset, 'REMOVE');
  await ctx.em.flush();
  // Its renditions go once no other live asset has the same bytes; a restore has them made again.
  ctx.renditions.cleanup.wake();
  ctx.assetEvents.publish(asset.id);
  return asset;
}

/** Restoring an asset that is not deleted changes nothing and is not an error (as GOV.UK). */
export async function restoreAsset(ctx: RequestContext, id: string): Promise<Asset> {
  const asset = await findManageableAsset(ctx, id, 'restore');
  if (!asset.deletedAt) return asset;
  // Another asset may have taken its Whitehall path meanwhile.
  if (asset.legacyUrlPath) await assertLegacyPathFree(ctx, asset.legacyUrlPath);
  asset.deletedAt = null;
  // Its folder may have been removed with it.
  await ensureFolders(ctx, asset.folderPath);
  touch(ctx, asset);
  recordHistory(ctx, asset, 'RESTORE');
  await (asset.legacyUrlPath ? flushLegacyPathHolder(ctx) : ctx.em.flush());
  // Its renditions may have been removed while it was deleted (see RenditionCleanup).
  if (isServable(asset)) await ctx.renditions.enqueue(ctx.em, asset);
  ctx.assetEvents.publish(asset.id);
  return asset;
}
