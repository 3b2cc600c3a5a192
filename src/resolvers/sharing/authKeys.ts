import { hashSecret, newSecret } from '../../auth/secrets.js';
import type { RequestContext } from '../../context.js';
import type { Asset } from '../../db/entities/Asset.js';
import { AuthKey } from '../../db/entities/AuthKey.js';
import { DownloadPreset } from '../../db/entities/DownloadPreset.js';
import type { UserView } from '../../db/entities/User.js';
import { BadInput, Forbidden, NotFound } from '../../errors.js';
import { newId } from '../../ids.js';
import { recordHistory } from '../assets/history.js';
import { checkedFolderPath } from '../folders/paths.js';
import { checkedListSize } from '../listSizes.js';
import { assetPolicy, requireRole, requireViewer } from '../policy/access.js';
import { isEmailAddress } from './emailAddress.js';

/** The parameters of WoodWing's createAuthKey / updateAuthKey (seeds 001 and 003), as plain values. */
export interface AuthKeyInput {
  subject?: string | null;
  validUntil?: Date | null;
  description?: string | null;
  downloadOriginal?: boolean | null;
  downloadPreview?: boolean | null;
  requestApproval?: boolean | null;
  requestUpload?: boolean | null;
  containerId?: string | null;
  containerIds?: readonly string[] | null;
  importFolderPath?: string | null;
  notifyEmail?: string | null;
  sort?: string | null;
  downloadPresetIds?: readonly string[] | null;
  watermarked?: boolean | null;
}

export interface CreateAuthKeyInput extends AuthKeyInput {
  subject: string;
  validUntil: Date;
  assetIds?: readonly string[] | null;
}

const MAX_SUBJECT_LENGTH = 1024;
const MAX_SORT_LENGTH = 256;

export function findAuthKeyByKey(ctx: RequestContext, key: string): Promise<AuthKey | null> {
  return ctx.em.findOne(AuthKey, { keyHash: hashSecret(key) });
}

export function isExpired(authKey: AuthKey): boolean {
  return authKey.validUntil.getTime() <= Date.now();
}

/**
 * The key behind a shared link if it still works, else null: unknown, expired and revoked all look the same.
 * Each use counts against the link's rate limit and the address's; an unknown key's against the address's,
 * so that guessing keys is limited too.
 */
export async function usableAuthKeyOf(ctx: RequestContext, key: string): Promise<AuthKey | null> {
  const authKey = await findAuthKeyByKey(ctx, key);
  await ctx.rateLimits.consume('sharedLinkUse', authKey?.id ?? null, ctx.clientAddress);
  return authKey && !authKey.revokedAt && !isExpired(authKey) ? authKey : null;
}

/** A key that is unknown, expired or revoked: NOT_FOUND, told apart from other NOT_FOUNDs by the page it opens. */
export class NoUsableSharedLink extends NotFound {}

/** The key behind a shared link, if it still works; NoUsableSharedLink otherwise. */
export async function findUsableAuthKey(ctx: RequestContext, key: string): Promise<AuthKey> {
  const authKey = await usableAuthKeyOf(ctx, key);
  if (!authKey) throw new NoUsableSharedLink('No shared link with this key');
  return authKey;
}

function mayAdminister(viewer: UserView, authKey: AuthKey): boolean {
  return viewer.role === 'ADMIN' || authKey.createdBy?.id === viewer.id;
}

async function checkedReadableAssetIds(ctx: RequestContext, ids: readonly string[], field: string): Promise<string[]> {
  const viewer = requireViewer(ctx);
  const unique = [...new Set(ids)];
  const assets = await Promise.all(unique.map((id) => ctx.loaders.assetById.load(id).catch(() => null)));
  const missing = unique.filter((_id, index) => {
    const asset = assets[index];
    return !asset || asset.deletedAt || !assetPolicy.canRead(viewer, asset);
  });
  if (missing.length > 0) {
    throw new BadInput(`${field}: no asset you may read has the id ${missing.join(', ')}`);
  }
  return unique;
}

async function checkedPresetIds(ctx: RequestContext, ids: readonly string[]): Promise<string[]> {
  const unique = [...new Set(ids)];
  const found = new Set((await ctx.em.find(DownloadPreset, { id: { $in: unique } })).map((preset) => preset.id));
  const refused = unique.filter((id) => !found.has(id));
  if (refused.length > 0) {
    // WoodWing's own wording (seed 001), which its clients recognise.
    throw new BadInput(
      `You cannot share these download presets, because they don't exist or you don't have permission: ${refused.join(',')}`,
    );
  }
  return unique;
}

function blankToNull(value: string | null | undefined): string | null | undefined {
  return value === undefined ? undefined : value === null || value.trim() === '' ? null : value.trim();
}

/** Copies the given fields onto the key, checking each; fields left out stay as they are. */
async function applyFields(ctx: RequestContext, authKey: AuthKey, input: AuthKeyInput): Promise<void> {
  if (input.subject !== undefined) {
    const subject = blankToNull(input.subject);
    if (!subject) throw new BadInput('subject may not be empty');
    if (subject.length > MAX_SUBJECT_LENGTH)
      throw new BadInput(`subject is longer than ${MAX_SUBJECT_LENGTH} characters`);
    authKey.subject = subject;
  }
  if (input.validUntil !== undefined) {
    if (input.validUntil === null) throw new BadInput('validUntil may not be empty');
    if (input.validUntil.getTime() <= Date.now()) {
      throw new BadInput(
        `validUntil ${input.validUntil.toISOString()} is in the past; a shared link must expire later`,
      );
    }
    authKey.validUntil = input.validUntil;
  }
  if (input.description !== undefined) authKey.description = blankToNull(input.description) ?? null;
  if (input.requestApproval != null) authKey.requestApproval = input.requestApproval;
  if (input.requestUpload != null) authKey.requestUpload = input.requestUpload;
  if (input.watermarked != null) authKey.watermarked = input.watermarked;
  // Seed 001: an original implies a preview, and no preview rules out the original.
  if (input.downloadOriginal != null) authKey.downloadOriginal = input.downloadOriginal;
  if (input.downloadPreview != null) authKey.downloadPreview = input.downloadPreview;
  if (input.downloadOriginal === true) authKey.downloadPreview = true;
  // Asked for both an original and no preview: the narrower grant wins.
  if (input.downloadPreview === false) {
    authKey.downloadPreview = false;
    authKey.downloadOriginal = false;
  }

  const importFolderPath = blankToNull(input.importFolderPath);
  if (importFolderPath !== undefined) {
    authKey.importFolderPath = importFolderPath === null ? null : checkedFolderPath(importFolderPath);
  }
  const notifyEmail = blankToNull(input.notifyEmail);
  if (notifyEmail !== undefined) {
    if (notifyEmail !== null && !isEmailAddress(notifyEmail)) {
      throw new BadInput(`notifyEmail ${JSON.stringify(notifyEmail)} is not an email address`);
    }
    authKey.notifyEmail = notifyEmail;
  }
  const sort = blankToNull(input.sort);
  if (sort !== undefined) {
    if (sort !== null && sort.length > MAX_SORT_LENGTH)
      throw new BadInput(`sort is longer than ${MAX_SORT_LENGTH} characters`);
    authKey.sort = sort;
  }
  const containerId = blankToNull(input.containerId);
  if (containerId !== undefined) {
    authKey.containerId =
      containerId === null ? null : ((await checkedReadableAssetIds(ctx, [containerId], 'containerId'))[0] ?? null);
  }
  if (input.containerIds != null) {
    authKey.containerIds = await checkedReadableAssetIds(ctx, input.containerIds, 'containerIds');
  }
  if (input.downloadPresetIds != null) authKey.downloadPresetIds = await checkedPresetIds(ctx, input.downloadPresetIds);

  if (authKey.requestUpload && !authKey.importFolderPath) {
    throw new BadInput('importFolderPath is required when requestUpload is true: it is where uploaded files go');
  }
  if (authKey.assetIds.length === 0 && !authKey.requestUpload) {
    throw new BadInput('assetIds may be left out only when requestUpload is true');
  }
}

/** Every asset a key names (shared assets and containers) gets a SHARE history entry. */
async function recordShare(ctx: RequestContext, authKey: AuthKey, action: 'created' | 'updated'): Promise<void> {
  const assets = await ctx.loaders.assetById.loadMany([...new Set([...authKey.assetIds, ...authKey.containerIds])]);
  for (const asset of assets) {
    if (asset && !(asset instanceof Error)) {
      recordHistory(ctx, asset, 'SHARE', { authKeyId: authKey.id, subject: authKey.subject, action });
    }
  }
}

export async function createAuthKey(ctx: RequestContext, input: CreateAuthKeyInput): Promise<AuthKey> {
  const viewer = requireRole(ctx, 'CONTRIBUTOR', 'share assets');
  const assetIds = input.assetIds ? await checkedReadableAssetIds(ctx, input.assetIds, 'assetIds') : [];
  const key = newSecret().slice(0, 22);
  const authKey = ctx.em.create(
    AuthKey,
    {
      id: newId(),
      keyHash: hashSecret(key),
      keySealed: ctx.secretBox.seal(key),
      subject: '',
      validUntil: new Date(0),
      assetIds,
      containerIds: [],
      downloadOriginal: false,
      downloadPreview: false,
      requestApproval: false,
      requestUpload: false,
      downloadPresetIds: [],
      watermarked: false,
      createdBy: viewer.id,
    },
    { persist: false },
  );
  await applyFields(ctx, authKey, { ...input, subject: input.subject, validUntil: input.validUntil });
  ctx.em.persist(authKey);
  await recordShare(ctx, authKey, 'created');
  await ctx.em.flush();
  return authKey;
}

async function findAdministrableKey(ctx: RequestContext, key: string): Promise<AuthKey> {
  const viewer = requireViewer(ctx);
  const authKey = await findAuthKeyByKey(ctx, key);
  if (!authKey || authKey.revokedAt) throw new NotFound('No shared link with this key');
  if (!mayAdminister(viewer, authKey)) {
    throw new Forbidden('Only the user who created this shared link, or an ADMIN, may see or change it');
  }
  return authKey;
}

/** Seed 003: every field but the shared assets may change; subject and validUntil may not be emptied. */
export async function updateAuthKey(ctx: RequestContext, key: string, input: AuthKeyInput): Promise<AuthKey> {
  const authKey = await findAdministrableKey(ctx, key);
  await applyFields(ctx, authKey, input);
  await recordShare(ctx, authKey, 'updated');
  await ctx.em.flush();
  return authKey;
}

/** Revokes the given keys at once; keys that are unknown or already revoked are not counted. */
export async function revokeAuthKeys(ctx: RequestContext, keys: readonly string[]): Promise<number> {
  const viewer = requireViewer(ctx);
  const found = await ctx.em.find(AuthKey, { keyHash: { $in: keys.map(hashSecret) }, revokedAt: null });
  if (found.some((authKey) => !mayAdminister(viewer, authKey))) {
    throw new Forbidden('Only the user who created a shared link, or an ADMIN, may revoke it; nothing was revoked');
  }
  const now = new Date();
  for (const authKey of found) authKey.revokedAt = now;
  await ctx.em.flush();
  return found.length;
}

export function getAuthKey(ctx: RequestContext, key: string): Promise<AuthKey> {
  return findAdministrableKey(ctx, key);
}

export interface AuthKeyListArgs {
  first?: number | null;
  after?: string | null;
  includeExpired?: boolean | null;
}

export interface AuthKeyPage {
  authKeys: AuthKey[];
  cursors: string[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  totalCount: number;
}

function cursorOf(authKey: AuthKey): string {
  return Buffer.from(JSON.stringify([authKey.createdAt.getTime(), authKey.id])).toString('base64url');
}

function afterCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const [time, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof time === 'number' && typeof id === 'string') return { createdAt: new Date(time), id };
  } catch {
    // fall through
  }
  throw new BadInput('The cursor in "after" is not one this query returned; pass an endCursor unchanged');
}

/** The viewer's shared links (every one, to an ADMIN), newest first; expired and revoked ones on request. */
export async function listAuthKeys(ctx: RequestContext, args: AuthKeyListArgs): Promise<AuthKeyPage> {
  const viewer = requireViewer(ctx);
  const first = checkedListSize(args.first, { fallback: 50 });
  const where = {
    ...(viewer.role === 'ADMIN' ? {} : { createdBy: viewer.id }),
    ...(args.includeExpired ? {} : { revokedAt: null, validUntil: { $gt: new Date() } }),
  };
  const page = args.after
    ? (() => {
        const { createdAt, id } = afterCursor(args.after);
        return { $or: [{ createdAt: { $lt: createdAt } }, { createdAt, id: { $lt: id } }] };
      })()
    : {};
  const [rows, totalCount] = await Promise.all([
    ctx.em.find(AuthKey, { ...where, ...page }, { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], limit: first + 1 }),
    ctx.em.count(AuthKey, where),
  ]);
  const authKeys = rows.slice(0, first);
  return {
    authKeys,
    cursors: authKeys.map(cursorOf),
    hasNextPage: rows.length > first,
    hasPreviousPage: Boolean(args.after),
    totalCount,
  };
}

/** The key itself, shown to whoever may administer the link. */
export function plainKeyOf(ctx: RequestContext, authKey: AuthKey): string {
  return ctx.secretBox.open(authKey.keySealed);
}

/** WoodWing's three client URLs for a key (seed 001). */
export function clientUrlsOf(ctx: RequestContext, key: string) {
  const base = ctx.config.publicUrl;
  return {
    webClientUrl: `${base}?w=${key}`,
    desktopClientUrl: `${base}?e=${key}`,
    mobileClientUrl: `elvis://${new URL(base).host}?w=${key}`,
  };
}

/** The assets a key shares directly, deleted ones left out. */
export async function assetsOf(ctx: RequestContext, authKey: AuthKey): Promise<Asset[]> {
  const assets = await ctx.loaders.assetById.loadMany(authKey.assetIds);
  return assets.filter((asset): asset is Asset => asset !== null && !(asset instanceof Error) && !asset.deletedAt);
}

export function presetsOf(ctx: RequestContext, authKey: AuthKey): Promise<DownloadPreset[]> {
  return ctx.em.find(DownloadPreset, { id: { $in: authKey.downloadPresetIds } }, { orderBy: { name: 'asc' } });
}
